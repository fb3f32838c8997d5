# bash completion for git review-rebase, git import-srpm and git kabi.
#
# git's own completion (the git package's bash completion) calls
# _git_<command> for a command it does not know, with dashes as
# underscores; these functions build on its helpers (__gitcomp,
# __git_complete_refs, __git_complete_revlist, __git_find_on_cmdline).
# Install beside git's completion, e.g. as
# /usr/share/bash-completion/completions/git-review-rebase (one link per
# command) or source it from ~/.bashrc after git's completion.

# __pqtools_files completes file names (specs, Symtypes, Module.kabi).
__pqtools_files ()
{
	compopt -o filenames 2>/dev/null
	COMPREPLY=($(compgen -f -- "$cur"))
}

# __pqtools_value completes the value of an option given as --opt=<cur>
# or as "--opt <cur>"; it returns 1 when cur is no option's value.
__pqtools_value ()
{
	local prev="${words[cword-1]}"
	case "$cur" in
	--format=*)
		__gitcomp "text json" "" "${cur##--format=}"; return 0 ;;
	--color=*)
		__gitcomp "auto always never" "" "${cur##--color=}"; return 0 ;;
	--onto=*|--old-base=*|--new-base=*|--onto-tag=*)
		__git_complete_refs --cur="${cur#*=}"; return 0 ;;
	esac
	case "$prev" in
	--format)
		__gitcomp "text json"; return 0 ;;
	--color)
		__gitcomp "auto always never"; return 0 ;;
	--onto|--old-base|--new-base|--onto-tag)
		__git_complete_refs; return 0 ;;
	--srpm-repo|--code-repo|--spec|--sources|--output|-o|--input|-i|--kabi|-k|--symvers|-s|--symtypes-kabi|-K|--symtypes-build|-S|--repo|--symtypes|--lockedlist|--symvers-kabi|--symvers-build|--minimize-kabi)
		__pqtools_files; return 0 ;;
	-l|--old-obj|--new-obj)
		__pqtools_files; return 0 ;;
	--range)
		__git_complete_revlist; return 0 ;;
	esac
	return 1
}

_git_review_rebase ()
{
	__pqtools_value && return
	local sub="$(__git_find_on_cmdline "replay show explain")"
	case "$sub,$cur" in
	replay,-*)
		__gitcomp "--format= --worktree --compare= --clean --force --help"
		return ;;
	show,-*)
		__gitcomp "--width= --color= --no-pager --blame --help"
		return ;;
	explain,-*)
		__gitcomp "--dry-run --onto= --old-base= --help"
		return ;;
	explain,*)
		__git_complete_revlist
		return ;;
	replay,*|show,*)
		__git_complete_refs
		return ;;
	,-*)
		__gitcomp "--format= --check --no-cache --no-similar --no-drift --onto= --old-base=
			--color= --no-pager --patch --width= --jobs= --verbose --demo --replay --all-layers --help"
		return ;;
	esac
	if __git_has_doubledash; then
		__git_complete_index_file "--cached" 2>/dev/null || __pqtools_files
		return
	fi
	__git_complete_revlist
	if [ -z "$sub" ]; then
		__gitcomp_nl_append "$(printf '%s\n' replay show explain)"
	fi
}

_git_import_srpm ()
{
	__pqtools_value && return
	local sub="$(__git_find_on_cmdline "verify renumber sync merge-spec")"
	case "$sub,$cur" in
	renumber,-*)
		__gitcomp "--dry-run --vendor-marker= --help"; return ;;
	renumber,*)
		__pqtools_files; return ;;
	merge-spec,-*)
		__gitcomp "--dry-run --output= --vendor-marker= --help"; return ;;
	merge-spec,*)
		__pqtools_files; return ;;
	sync,-*)
		__gitcomp "--spec= --sources= --code-repo= --onto-tag= --old-base= --new-base=
			--dry-run --vendor-marker= --new-version= --help"; return ;;
	sync,*)
		__git_complete_revlist; return ;;
	verify,-*)
		__gitcomp "--srpm-repo= --code-repo= --base-tag= --vendor= --dist= --verbose --prep
			--max-patch-size= --help"; return ;;
	verify,*)
		__git_complete_refs; return ;;
	,-*)
		__gitcomp "--srpm-repo= --code-repo= --base-tag= --vendor= --dist= --verbose
			--prep --max-patch-size= --force --all --jobs= --help"
		return ;;
	esac
	__git_complete_refs
	if [ -z "$sub" ]; then
		__gitcomp_nl_append "$(printf '%s\n' verify renumber sync merge-spec)"
	fi
}

_git_kabi ()
{
	__pqtools_value && return
	local subs="commit revert list collect consolidate compare check report blame layout smoke lockedlist debug tui"
	local sub="$(__git_find_on_cmdline "$subs")"
	if [ -z "$sub" ]; then
		case "$cur" in
		-*) __gitcomp "--help" ;;
		*) __gitcomp "$subs" ;;
		esac
		return
	fi
	case "$sub,$cur" in
	commit,-*|revert,-*)
		__gitcomp "--no-edit --help"; return ;;
	commit,*|revert,*)
		__git_complete_refs; return ;;
	list,-*|report,-*)
		__gitcomp "--help"; return ;;
	blame,-*)
		__gitcomp "--repo= --help"; return ;;
	list,*|blame,*)
		if [ "$sub" = blame ] && [ "$cword" -le 4 ]; then
			__pqtools_files
		else
			__git_complete_revlist
		fi
		return ;;
	collect,-*)
		__gitcomp "--output= --kabi= --minimize-kabi= --help"; return ;;
	consolidate,-*)
		__gitcomp "--input= --output= --kabi= --help"; return ;;
	compare,-*)
		__gitcomp "--no-print-symbols --no-print-symbol --print-missing --impact --lockedlist= --format= --help"; return ;;
	tui,-*)
		__gitcomp "--lockedlist= --symtypes-kabi= --symtypes-build= --range= --repo= --old-obj= --new-obj= --help"; return ;;
	check,-*)
		__gitcomp "--kabi= --symvers-kabi= --symvers= --symvers-build= --symtypes-kabi= --symtypes-build= --help"; return ;;
	layout,-*)
		__gitcomp "--old= --new= --format= --help"; return ;;
	smoke,-*)
		__gitcomp "--symtypes= --symvers= --lockedlist= --help"; return ;;
	lockedlist,-*)
		__gitcomp "--append --help"; return ;;
	debug,-*)
		__gitcomp "--help"; return ;;
	*)
		__pqtools_files; return ;;
	esac
}
