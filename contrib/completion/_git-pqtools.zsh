#compdef git-review-rebase git-import-srpm git-kabi
# zsh completion for git review-rebase, git import-srpm and git kabi.
#
# zsh's own _git calls _git-<command> for a command it does not know and
# lists the commands named in the user-commands style. Put this file in a
# directory of $fpath as _git-pqtools (compinit then loads it), or source
# it after compinit. With git's contrib git-completion.zsh (a wrapper of
# the bash completion) use pqtools.bash instead.

zstyle ':completion:*:*:git:*' user-commands \
	review-rebase:'review the rebase of a patch queue' \
	import-srpm:"import an SRPM's patch queue into git" \
	kabi:"keep a kernel's kABI"

_git-review-rebase () {
	local -a opts
	opts=(
		'--format=[output format]:format:(text json)'
		'--check[exit 1 on unexplained drops and changes]'
		'--no-cache[neither read nor write the caches]'
		'--no-similar[do not pair commits by similar diffs]'
		'--no-drift[do not look for identifiers upstream removed]'
		'--onto=[new base]:revision:__git_revisions'
		'--old-base=[old base]:revision:__git_revisions'
		'--color=[colour text output]:when:(auto always never)'
		'--no-pager[do not page the text output]'
		'(-p --patch)'{-p,--patch}'[side-by-side of every changed row]'
		'--width=[columns of the side-by-side]:columns'
		'(-j --jobs)'{-j,--jobs=}'[parallel git processes]:number'
		'(-v --verbose)'{-v,--verbose}'[report bases, counts and cache use]'
		'--demo[review a generated example repository]'
		'--replay[replay title and similar matches]'
		'--all-layers[review the upstream vendor patches too, from X/pre-base]'
	)
	if (( CURRENT > 2 )) && [[ $words[2] == explain ]]; then
		_arguments \
			'(-n --dry-run)'{-n,--dry-run}'[print the explanations, write no note]' \
			'--onto=[new base]:revision:__git_revisions' \
			'--old-base=[old base]:revision:__git_revisions' \
			'*:range:__git_commit_ranges'
		return
	fi
	if (( CURRENT > 2 )) && [[ $words[2] == show ]]; then
		_arguments \
			'--width=[columns]:columns' \
			'--color=[colour]:when:(auto always never)' \
			'--no-pager[do not page the output]' \
			'--blame[annotate lines with the commit that changed them]' \
			'*:commit:__git_revisions'
		return
	fi
	if (( CURRENT > 2 )) && [[ $words[2] == replay ]]; then
		_arguments \
			'--format=[output format]:format:(text json)' \
			'--worktree[check the replay out in a worktree]' \
			'--compare=[diff your resolution in a worktree]:directory:_directories' \
			'--clean[remove replay worktrees]' \
			'--force[with --clean: also changed worktrees; with --compare: any directory]' \
			'*:commit:__git_revisions'
		return
	fi
	_arguments -S $opts \
		'1:range or command:->first' \
		'*:range:__git_commit_ranges'
	[[ $state == first ]] && { _describe command '(replay:"replay an old commit onto its counterpart" show:"print a pair side by side" explain:"write conflict explanations as notes")'; __git_commit_ranges }
}

_git-import-srpm () {
	local -a common
	common=(
		'--srpm-repo=[the SRPM repository]:directory:_directories'
		'--code-repo=[the code repository]:directory:_directories'
		'--base-tag=[upstream tag template]:template'
		'--vendor=[vendor part of the branch names]:vendor'
		'--dist=[value of %{dist}]:dist'
		'(-v --verbose)'{-v,--verbose}'[say how each patch was applied]'
		'--prep[also run rpmbuild -bp]'
		'--max-patch-size=[refuse compressed patches larger than this]:size'
	)
	case $words[2] in
	(verify)
		_arguments $common '*:revision:__git_revisions' ;;
	(renumber)
		_arguments '(-n --dry-run)'{-n,--dry-run}'[print the change as a diff]' \
			'--vendor-marker=[comment line that starts the vendor block]:text' \
			'1:spec:_files -g "*.spec"' '2:start' '3:offset' ;;
	(merge-spec)
		_arguments '(-n --dry-run)'{-n,--dry-run}'[print the change as a diff]' \
			'(-o --output)'{-o,--output=}'[write the result to this file]:file:_files' \
			'--vendor-marker=[comment line that starts our layer]:text' \
			'1:their old spec:_files -g "*.spec"' '2:their new spec:_files -g "*.spec"' '3:our spec:_files -g "*.spec"' ;;
	(sync)
		_arguments '--spec=[the spec to edit]:spec:_files -g "*.spec"' \
			'--sources=[where patch files are]:directory:_directories' \
			'--code-repo=[the code repository]:directory:_directories' \
			'--onto-tag=[the new upstream tag]:tag:__git_tags' \
			'--old-base=[base of the old queue]:revision:__git_revisions' \
			'--new-base=[base of the new queue]:revision:__git_revisions' \
			'(-n --dry-run)'{-n,--dry-run}'[print the spec diff, change nothing]' \
			'--vendor-marker=[comment line that starts the vendor block]:text' \
			'--new-version=[also set Version]:version' \
			'*:range:__git_commit_ranges' ;;
	(*)
		_arguments $common \
			'(-f --force)'{-f,--force}'[replace existing branches]' \
			'--all[import every revision]' \
			'(-j --jobs)'{-j,--jobs=}'[imports run at once]:number' \
			'1:revision or command:->first'
		[[ $state == first ]] && { _describe command '(verify renumber sync merge-spec)'; __git_revisions } ;;
	esac
}

_git-kabi () {
	if (( CURRENT == 2 )); then
		local -a cmds
		cmds=(commit revert list collect consolidate compare check report blame layout smoke lockedlist debug tui)
		_describe command cmds
		return
	fi
	case $words[2] in
	(commit|revert)
		_arguments '--no-edit[commit the template as is]' '1:commit:__git_revisions' ;;
	(list)
		_arguments '*:range:__git_commit_ranges' ;;
	(collect)
		_arguments '(-o --output)'{-o,--output=}'[file to write]:file:_files' \
			'(--kabi --minimize-kabi)'{--kabi=,--minimize-kabi=}'[keep only these exports]:file:_files' '1:build directory:_directories' ;;
	(consolidate)
		_arguments '(-i --input)'{-i,--input=}'[collected Symtypes]:file:_files' \
			'(-o --output)'{-o,--output=}'[file to write]:file:_files' \
			'(-k --kabi)'{-k,--kabi=}'[keep only these exports]:file:_files' ;;
	(compare)
		_arguments '(--no-print-symbols --no-print-symbol)'{--no-print-symbols,--no-print-symbol}'[do not list the exports]' \
			'--print-missing[list exports found on one side only]' \
			'--impact[exports and modules each changed type reaches]' \
			'(-l --lockedlist)'{-l,--lockedlist=}'[locked list]:file:_files' \
			'--format=[text or JSON instead of the UI]:format:(text json)' '*:symtypes:_files' ;;
	(tui)
		_arguments '(-l --lockedlist)'{-l,--lockedlist=}'[locked list]:file:_files' \
			'(-K --symtypes-kabi)'{-K,--symtypes-kabi=}'[baseline Symtypes.kabi]:file:_files' \
			'(-S --symtypes-build)'{-S,--symtypes-build=}'[comparison Symtypes.build]:file:_files' \
			'--range=[commits the blame panel searches]:range:__git_commit_ranges' \
			'--repo=[kernel work tree]:directory:_directories' \
			'--old-obj=[baseline object with debug info]:file:_files' \
			'--new-obj=[comparison object with debug info]:file:_files' '*:symtypes:_files' ;;
	(check)
		_arguments '(-k --kabi --symvers-kabi)'{-k,--kabi=,--symvers-kabi=}'[locked Module.kabi]:file:_files' \
			'(-s --symvers --symvers-build)'{-s,--symvers=,--symvers-build=}"[the build's Module.symvers]:file:_files" \
			'(-K --symtypes-kabi)'{-K,--symtypes-kabi=}'[locked Symtypes.kabi]:file:_files' \
			'(-S --symtypes-build)'{-S,--symtypes-build=}"[the build's Symtypes.build]:file:_files" ;;
	(report)
		_arguments '1:symtypes:_files' ;;
	(smoke)
		_arguments '(-t --symtypes)'{-t,--symtypes=}"[the kABI's Symtypes]:file:_files" \
			'(-v --symvers)'{-v,--symvers=}'[its Module.kabi]:file:_files' \
			'(-l --lockedlist)'{-l,--lockedlist=}'[its locked list]:file:_files' ;;
	(lockedlist)
		_arguments '--append[add the sections to an existing locked list]' \
			'1:output file:_files' '*:driver directory:_directories' ;;
	(debug)
		_arguments '1:build directory:_directories' '2:symtypes:_files' ;;
	(blame)
		_arguments '--repo=[kernel work tree]:directory:_directories' \
			'1:old symtypes:_files' '2:new symtypes:_files' '3:range:__git_commit_ranges' ;;
	(layout)
		_arguments '--old=[baseline object with debug information]:object:_files' \
			'--new=[comparison object with debug information]:object:_files' \
			'--format=[output format]:format:(text json)' '1:struct or union name:' ;;
	esac
}
