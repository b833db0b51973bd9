#!/bin/sh
# Splits packages/db into @warehouse/db, @warehouse/migrate, @warehouse/env and @warehouse/demo
# (issue 25, scope 6). Idempotent: run it on any tree, as often as needed; a second run is a no-op.
#   tooling/split-db/split-db.sh            # then review `git status`, commit
#   tooling/split-db/split-db.sh --dry-run  # print what would be moved and written
# Steps: split-db.mjs (git mv, imports, package.json files, boundaries, docs), pnpm install (links
# the new packages, updates pnpm-lock.yaml), prettier on the files the split touched.
set -eu
cd "$(dirname "$0")/../.."
node tooling/split-db/split-db.mjs "$@"
case " $* " in *" --dry-run "*) exit 0 ;; esac
pnpm install --prefer-offline --config.confirmModulesPurge=false >/dev/null
git add -A -- packages apps tooling docs README.md package.json pnpm-lock.yaml pnpm-workspace.yaml turbo.json .ci .prettierignore .gitignore
git diff --cached --name-only --diff-filter=AMR -- packages apps tooling docs README.md \
  | grep -E '\.(ts|tsx|js|mjs|json|md)$' | grep -v '^tooling/split-db/' \
  | xargs -r pnpm exec prettier --write --log-level warn
git add -A -- packages apps tooling docs README.md
echo "split-db: done; review with git status, then commit"
