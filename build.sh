#!/usr/bin/env bash
# LiveInit build entry point.
#   ./build.sh              restore, build and publish the static agent to artifacts/liveinit
#   ./build.sh test         every test: xUnit (unit, prober vs blkid, binary) + QEMU boots; ends with "N passed, N failed"
#   ./build.sh demo         build the agent, an initramfs and a SystemRescue-style medium; boot it twice in QEMU
#   ./build.sh bench probe  liveinit probe vs blkid -p on the same images, with the ratio
#   ./build.sh bench boot   boot times against dracut, live-boot and the busybox floor (tests/peers builds them)
#   ./build.sh package      the Debian package artifacts/liveinit_<version>_amd64.deb (packaging/build-deb.sh)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
ART=$ROOT/artifacts
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

publish() {  # NAME=liveinit-tls publish -p:LiveInitTls=true: another variant beside the default agent
  local name=${NAME:-liveinit}
  mkdir -p "$ART"
  dotnet publish src/LiveInit/LiveInit.csproj -c Release -r linux-x64 -o "$ART/publish-$name" -nologo -v quiet \
    -p:TreatWarningsAsErrors=true "$@" >"$ART/publish-$name.log" 2>&1 || { cat "$ART/publish-$name.log"; exit 1; }
  if grep -E "warning (IL|AOT)[0-9]+" "$ART/publish-$name.log"; then echo "trim/AOT warnings are errors" >&2; exit 1; fi
  cp "$ART/publish-$name/liveinit" "$ART/$name"
  echo "built $ART/$name ($(stat -c %s "$ART/$name") bytes): $(file -b "$ART/$name" | cut -d, -f1-4)"
}

case "${1:-build}" in
  build) publish ;;
  tls) NAME=liveinit-tls publish -p:LiveInitTls=true ;;   # https (needs libssl-dev)
  test)
    bash tests/setup.sh
    publish
    NAME=liveinit-tls publish -p:LiveInitTls=true   # the https variant, for the verify_https boot
    exec bash tests/run-all.sh ;;
  demo)
    bash tests/setup.sh
    publish
    exec bash qemu/demo.sh ;;
  package)
    publish
    bash packaging/build-deb.sh ;;
  bench)
    publish
    shift
    exec bash tests/bench/"${1:-probe}".sh ;;
  *) echo "usage: $0 [build|test|demo|package|bench probe|bench boot]" >&2; exit 2 ;;
esac
