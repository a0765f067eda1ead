#!/usr/bin/env bash
# Fetches real npm packages for the scanner's precision corpus and benchmark into
# tests/corpus/npm/<package>/ (git-ignored; never committed). Needs `npm` and network.
#   tests/corpus/fetch.sh            # the default set
#   tests/corpus/fetch.sh pkg@1.2.3  # or any packages you name
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/npm"
mkdir -p "$out"
pkgs=("$@")
if [ ${#pkgs[@]} -eq 0 ]; then
  pkgs=(lodash moment dayjs jquery express axios handlebars bluebird three
        underscore async react react-dom vue rxjs chalk commander yargs debug uuid
        ws socket.io-client body-parser qs minimist semver immutable d3 jszip esprima
        acorn typescript)
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for p in "${pkgs[@]}"; do
  name="${p%@*}"; [ -n "$name" ] || name="$p"
  dest="$out/${name//\//__}"
  if [ -d "$dest" ]; then echo "have $name"; continue; fi
  tgz="$(cd "$tmp" && npm pack --silent "$p" 2>/dev/null | tail -n1)" || { echo "skip $p (npm pack failed)" >&2; continue; }
  mkdir -p "$dest"
  tar -xzf "$tmp/$tgz" -C "$dest" --strip-components=1
  rm -f "$tmp/$tgz"
  echo "got $p -> $dest ($(find "$dest" -name '*.js' -o -name '*.mjs' -o -name '*.cjs' | wc -l) js files)"
done
