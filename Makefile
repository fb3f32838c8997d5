# The test command of the README: installs what the tests need, then runs
# formatting, vet, staticcheck and every test.
GO ?= go
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
BIN := $(CURDIR)/bin
# No cgo: nothing here needs libc (os/user comes in with archive/tar, and
# is never asked), and a static binary starts a few milliseconds sooner,
# which is a tenth of a warm review. urfave_cli_no_docs leaves out the
# man page and markdown generators of urfave/cli (and their markdown
# parser, whose start-up tables cost another 2 ms); the man pages are
# written by hand in doc/.
NOCGO := CGO_ENABLED=0
TAGS := -tags urfave_cli_no_docs

.PHONY: all build test lint deps demo bench install rpm

all: build

build:
	$(NOCGO) $(GO) build $(TAGS) -o $(BIN)/ ./cmd/...

PREFIX ?= /usr/local

install:
	$(NOCGO) $(GO) install $(TAGS) ./cmd/...
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 doc/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions
	install -m 644 contrib/completion/pqtools.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/git-review-rebase
	ln -sf git-review-rebase $(DESTDIR)$(PREFIX)/share/bash-completion/completions/git-import-srpm
	ln -sf git-review-rebase $(DESTDIR)$(PREFIX)/share/bash-completion/completions/git-kabi
	install -m 644 contrib/completion/_git-pqtools.zsh $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_git-pqtools

# The suite's own RPM (binaries, man pages, completions) from git archive.
rpm:
	./scripts/rpm.sh dist

deps:
	./scripts/deps.sh

lint:
	@out=$$(gofmt -l . ); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./... ./testdata/repos/
	$(GO) run $(STATICCHECK) ./... ./testdata/repos/

test: deps lint
	$(GO) test -count=1 ./... ./testdata/repos/

demo: build
	PATH=$(BIN):$$PATH git review-rebase --demo

bench: build
	./bench/run.sh
