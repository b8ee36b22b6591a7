# Switchboard — the two commands a newcomer needs:
#   make run    install what is missing, start a private Postgres, build, seed, serve on :3000
#               (the optimized build; `make dev` serves the debug build, rebuilt on every change)
#   make test   the same installs, then fmt, clippy (ssr + wasm), unit/integration and browser tests
.PHONY: run dev test bench setup db-start db-stop db-reset fmt

run:
	@scripts/run.sh

dev:
	@scripts/run.sh --dev

test:
	@scripts/test.sh

setup:
	@scripts/setup.sh

# The private development database (see README: "Data directory").
db-start:
	@scripts/pg.sh start dev
db-stop:
	@scripts/pg.sh stop dev
db-reset:
	@scripts/pg.sh reset dev

fmt:
	cargo fmt --all

# Realtime benchmark (release build; figures in the README). See scripts/bench.sh for knobs.
bench:
	@scripts/bench.sh
