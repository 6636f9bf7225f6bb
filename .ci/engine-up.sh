#!/usr/bin/env bash
# Bring up a local Docker engine, a local registry at 127.0.0.1:5000 and the base images the
# engine tests build on. Run as root. Idempotent: whatever is already up or already pushed is
# left alone, and root filesystems are cached under /var/cache/tightship-ci.
#
# Environment:
#   TIGHTSHIP_APT_EXTRA    more Debian packages to install in the same apt-get run
#   TIGHTSHIP_DEBIAN_MIRROR  Debian mirror for debootstrap (default: the one apt uses here)
set -euo pipefail

REGISTRY=127.0.0.1:5000
CACHE=/var/cache/tightship-ci
REGISTRY_DIR=/var/lib/tightship-registry
REGISTRY_CONF=$CACHE/registry.yml
DOCKERD_LOG=/var/log/tightship-dockerd.log
REGISTRY_LOG=/var/log/tightship-registry.log
# Bump when the way images are made changes, so cached root filesystems are rebuilt.
RECIPE_VERSION=2

log() { printf '[engine-up] %s\n' "$*"; }
die() { printf '[engine-up] ERROR: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root"
export DEBIAN_FRONTEND=noninteractive

# --- 1. Debian packages ----------------------------------------------------------------------
# The engine and registry, and what the tests drive beside them: docker-compose (compose files
# on the engine), strace (seccomp learn), apparmor (apparmor_parser), libseccomp2 (pyseccomp),
# tmux (the wizard in a real terminal), shellcheck (the generated CI gate), podman (a second
# engine to run the generated files on), busybox-static (verify's probe, mounted read-only
# into images with no shell).
packages=(docker.io debootstrap docker-registry apparmor iptables ca-certificates
          debian-archive-keyring curl util-linux docker-compose strace libseccomp2 tmux shellcheck
          make python3-venv git podman busybox-static ${TIGHTSHIP_APT_EXTRA:-})
missing=()
for p in $(printf '%s\n' "${packages[@]}" | sort -u); do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    log "installing: ${missing[*]}"
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    log "packages already installed"
fi
mkdir -p "$CACHE/rootfs" "$CACHE/stamps" "$CACHE/debs" "$REGISTRY_DIR"

# --- 2. dockerd --------------------------------------------------------------------------------
engine_up() { timeout 10 docker info >/dev/null 2>&1; }

start_dockerd() {
    # A dockerd killed earlier may leave its pid file behind, which stops the next one.
    if [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
        rm -f /var/run/docker.pid
    fi
    log "starting dockerd${*:+ $*}"
    setsid dockerd "$@" >"$DOCKERD_LOG" 2>&1 </dev/null &
    local pid=$!
    for _ in $(seq 1 60); do
        engine_up && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 1
    done
    kill "$pid" 2>/dev/null || true
    sleep 2
    log "dockerd did not come up; last lines of $DOCKERD_LOG:"
    tail -n 15 "$DOCKERD_LOG" | sed 's/^/    /'
    return 1
}

if engine_up; then
    log "dockerd already running"
else
    if ! start_dockerd; then
        if grep -qi iptables "$DOCKERD_LOG" && [ -x /usr/sbin/iptables-legacy ]; then
            log "switching iptables to the legacy backend and retrying"
            update-alternatives --set iptables /usr/sbin/iptables-legacy >/dev/null
            update-alternatives --set ip6tables /usr/sbin/ip6tables-legacy >/dev/null 2>&1 || true
            start_dockerd || { log "retrying without iptables (no NAT for containers)";
                               start_dockerd --iptables=false || die "dockerd will not start"; }
        else
            die "dockerd will not start"
        fi
    fi
fi
log "engine: $(docker version --format 'server {{.Server.Version}}, client {{.Client.Version}}')"

# --- 3. registry -------------------------------------------------------------------------------
cat >"$REGISTRY_CONF.tmp" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $REGISTRY_DIR
  delete:
    enabled: true
http:
  addr: $REGISTRY
EOF
mv "$REGISTRY_CONF.tmp" "$REGISTRY_CONF"

registry_up() { curl -fsS -o /dev/null --max-time 5 "http://$REGISTRY/v2/" 2>/dev/null; }
if registry_up; then
    log "registry already running at $REGISTRY"
else
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://$REGISTRY/v2/" || true)
    if [ "$code" != 000 ]; then
        # Something else answers on the port, e.g. Debian's own docker-registry service (with
        # authentication) started by its package: stop it and serve ours.
        log "port ${REGISTRY##*:} answers HTTP $code; stopping the packaged docker-registry service"
        service docker-registry stop >/dev/null 2>&1 || /etc/init.d/docker-registry stop >/dev/null 2>&1 || true
        sleep 1
    fi
    log "starting registry at $REGISTRY"
    setsid docker-registry serve "$REGISTRY_CONF" >"$REGISTRY_LOG" 2>&1 </dev/null &
    for _ in $(seq 1 30); do registry_up && break; sleep 1; done
    registry_up || { tail -n 15 "$REGISTRY_LOG" >&2; die "registry did not come up at $REGISTRY"; }
fi

# --- 4. base images ----------------------------------------------------------------------------
mirror=${TIGHTSHIP_DEBIAN_MIRROR:-}
if [ -z "$mirror" ]; then
    mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
             | grep -oE 'https?://[^ ]+/debian/?( |$)' | head -n 1 | tr -d ' ' || true)
    mirror=${mirror:-http://deb.debian.org/debian}
fi

# CA certificates the host trusts beyond Debian's bundle (a TLS-intercepting egress proxy, a
# company CA): images get them too, so pip/npm/apt over HTTPS work inside `docker build`.
extra_cas=()
for f in /usr/local/share/ca-certificates/*.crt /usr/local/share/ca-certificates/*/*.crt; do
    [ -f "$f" ] && extra_cas+=("$f")
done
ca_hash=$(cat /dev/null "${extra_cas[@]}" | sha256sum | cut -c1-12)

manifest_digest() {  # repo tag -> digest the registry reports, or nothing
    curl -fsS --max-time 10 -o /dev/null -D - \
        -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
        "http://$REGISTRY/v2/$1/manifests/$2" 2>/dev/null \
        | tr -d '\r' | awk -F': ' 'tolower($1)=="docker-content-digest" {print $2}' || true
}

# One plain minbase tree per Debian suite, cached; images with more packages get them with
# apt-get inside a copy of it (debootstrap's own --include resolver cannot install npm's
# dependency tree).
base_tarball() {  # suite
    local suite=$1 spec tarball dir
    spec=$(printf '%s|' "$RECIPE_VERSION" "$suite" "$mirror" | sha256sum | cut -c1-16)
    tarball="$CACHE/rootfs/minbase-$suite-$spec.tar"
    if [ ! -s "$tarball" ]; then
        log "debootstrap $suite minbase from $mirror" >&2
        local t0=$SECONDS
        dir=$(mktemp -d "$CACHE/rootfs/build.XXXXXX")
        mkdir -p "$CACHE/debs/$suite"
        debootstrap --variant=minbase "--cache-dir=$CACHE/debs/$suite" "$suite" "$dir" "$mirror" \
            >"$dir.log" 2>&1 || { tail -n 20 "$dir.log" >&2; die "debootstrap failed (log: $dir.log)"; }
        printf 'deb %s %s main\n' "$mirror" "$suite" >"$dir/etc/apt/sources.list"
        rm -f "$dir/etc/apt/sources.list.d/debian.sources"
        tar --numeric-owner -C "$dir" -cf "$tarball.tmp" .
        mv "$tarball.tmp" "$tarball"
        rm -rf "$dir" "$dir.log"
        log "debootstrap $suite: $((SECONDS - t0)) s" >&2
    fi
    echo "$tarball"
}

chroot_umount() {
    local dir=$1 m
    for m in var/cache/apt/archives dev/pts dev proc; do
        mountpoint -q "$dir/$m" && umount -l "$dir/$m"
    done
    return 0
}

make_debian_rootfs() {  # dir suite comma-separated-packages
    local dir=$1 suite=$2 include=$3 base
    base=$(base_tarball "$suite")
    tar --numeric-owner -C "$dir" -xf "$base"
    if [ -n "$include" ]; then
        trap "chroot_umount '$dir'" EXIT
        mount -t proc proc "$dir/proc"
        mount --bind /dev "$dir/dev"
        mount --bind /dev/pts "$dir/dev/pts"
        mkdir -p "$CACHE/debs/$suite"
        mount --bind "$CACHE/debs/$suite" "$dir/var/cache/apt/archives"
        cp /etc/resolv.conf "$dir/etc/resolv.conf"
        printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
        chmod 0755 "$dir/usr/sbin/policy-rc.d"
        if ! { chroot "$dir" apt-get update -qq &&
               chroot "$dir" env DEBIAN_FRONTEND=noninteractive \
                   apt-get install -y -qq --no-install-recommends ${include//,/ }; } >"$dir.log" 2>&1; then
            tail -n 20 "$dir.log" >&2; chroot_umount "$dir"; die "apt-get install failed in $dir"
        fi
        chroot_umount "$dir"
        trap - EXIT
        rm -f "$dir/usr/sbin/policy-rc.d" "$dir.log"
    fi
    if [ -x "$dir/usr/sbin/update-ca-certificates" ] && [ "${#extra_cas[@]}" -gt 0 ]; then
        mkdir -p "$dir/usr/local/share/ca-certificates"
        cp "${extra_cas[@]}" "$dir/usr/local/share/ca-certificates/"
        chroot "$dir" update-ca-certificates >/dev/null 2>&1
    fi
    case ",$include," in
        *,maven,*)
            # Every repository through Debian's maven-repo: a file:// mirror needs no network.
            cat >"$dir/etc/maven/settings.xml" <<'EOF'
<settings xmlns="http://maven.apache.org/SETTINGS/1.0.0">
  <mirrors>
    <mirror>
      <id>debian-maven-repo</id>
      <mirrorOf>*</mirrorOf>
      <url>file:///usr/share/maven-repo</url>
    </mirror>
  </mirrors>
</settings>
EOF
            ;;
    esac
    case ",$include," in
        *,golang-go,*)
            mkdir -p "$dir/go/src" "$dir/go/bin" "$dir/go/cache"
            # Go 1.20 and later ship the standard library as source only: build it once here,
            # the way the generated Dockerfiles and the tests build (static, -trimpath), so
            # each `go build` in a test compiles its own code and not all of net/http again.
            if [ "$suite" != bookworm ]; then
                mount -t proc proc "$dir/proc"; mount --bind /dev "$dir/dev"
                trap "chroot_umount '$dir'" EXIT
                for cgo in 0; do  # no C compiler in the image: 0 is also its default
                    chroot "$dir" env HOME=/root GOCACHE=/go/cache GOPATH=/go CGO_ENABLED=$cgo \
                        GOTOOLCHAIN=local GOFLAGS=-buildvcs=false go build -trimpath std \
                        >"$dir.log" 2>&1 || { tail -n 20 "$dir.log" >&2; die "go build std failed"; }
                done
                chroot_umount "$dir"; trap - EXIT
                rm -f "$dir.log"
            fi
            chmod -R a+rwX "$dir/go"; chmod 1777 "$dir/go" "$dir/go/cache" ;;
    esac
    rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin "$dir"/var/log/*.log \
           "$dir"/var/log/apt/* "$dir"/etc/hostname "$dir"/tmp/* \
           "$dir"/var/cache/debconf/*-old "$dir"/var/lib/dpkg/*-old
    : >"$dir/etc/resolv.conf"
}

make_static_rootfs() {  # dir debian-version: a distroless-like tree, no shell, no package manager
    local dir=$1 version=$2
    mkdir -p "$dir"/etc/ssl/certs "$dir"/home/nonroot "$dir"/tmp "$dir"/root
    cat >"$dir/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
EOF
    cat >"$dir/etc/group" <<'EOF'
root:x:0:
nobody:x:65534:
nonroot:x:65532:
EOF
    printf 'PRETTY_NAME="Distroless"\nNAME="Debian GNU/Linux"\nID="debian"\nVERSION_ID="%s"\n' \
        "$version" >"$dir/etc/os-release"
    [ -f /etc/ssl/certs/ca-certificates.crt ] \
        && cp /etc/ssl/certs/ca-certificates.crt "$dir/etc/ssl/certs/ca-certificates.crt"
    chmod 1777 "$dir/tmp"
    chmod 0700 "$dir/root"
    chown 65532:65532 "$dir/home/nonroot"
    chmod 0755 "$dir/home/nonroot"
}

debian_version() {  # suite -> Debian's major version number
    case $1 in bookworm) echo 12 ;; trixie) echo 13 ;; *) die "unknown Debian suite $1" ;; esac
}

# repo tag kind suite include [--change ...]
ensure_image() {
    local repo=$1 tag=$2 kind=$3 suite=$4 include=$5; shift 5
    local ref="$REGISTRY/$repo:$tag" safe=${repo//\//_}-$tag
    local fs_spec spec fields=("$RECIPE_VERSION" "$kind" "$include" "$mirror" "$ca_hash")
    # Bookworm's specs predate the suite field: leaving it out keeps their cached images and
    # digests, which test runs already under way rely on.
    [ "$suite" = bookworm ] || fields+=("$suite")
    # The trixie Go image carries a prebuilt standard library (see make_debian_rootfs).
    case ",$include,$suite" in *,golang-go,*trixie) fields+=("go-std-cache-1") ;; esac
    fs_spec=$(printf '%s|' "${fields[@]}" | sha256sum | cut -c1-16)
    spec=$(printf '%s|' "$fs_spec" "$@" | sha256sum | cut -c1-16)
    local stamp="$CACHE/stamps/$safe" tarball="$CACHE/rootfs/$safe-$fs_spec.tar"
    local have
    have=$(manifest_digest "$repo" "$tag")
    if [ -n "$have" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$spec $have" ]; then
        log "$ref already pushed: $have"
        return 0
    fi
    if [ -s "$tarball" ]; then
        log "$ref: using cached root filesystem"
    else
        log "$ref: building root filesystem ($kind${include:+: $include})"
        local t0=$SECONDS dir
        dir=$(mktemp -d "$CACHE/rootfs/build.XXXXXX")
        if [ "$kind" = debian ]; then make_debian_rootfs "$dir" "$suite" "$include"
        else make_static_rootfs "$dir" "$(debian_version "$suite")"; fi
        if [ "$kind" = static ] && [ -e "$dir/bin/sh" ]; then die "static image has /bin/sh"; fi
        rm -f "$CACHE/rootfs/$safe-"*.tar
        tar --numeric-owner -C "$dir" -cf "$tarball.tmp" .
        mv "$tarball.tmp" "$tarball"
        rm -rf "$dir"
        log "$ref: root filesystem ready ($(du -h "$tarball" | cut -f1), $((SECONDS - t0)) s)"
    fi
    docker import "$@" "$tarball" "$ref" >/dev/null
    docker push -q "$ref" >/dev/null
    have=$(manifest_digest "$repo" "$tag")
    [ -n "$have" ] || die "$ref: registry has no manifest after push"
    echo "$spec $have" >"$stamp"
    log "$ref pushed: $have"
}

# What `mvn package` of the Java example needs: the lifecycle's plugins (resources, compiler,
# surefire, jar, install), the shade plugin that makes its one runnable jar, and its dependency
# (Jackson databind, with jackson-core and jackson-annotations). The package list is part of the
# image's cache key (ensure_image), so adding one rebuilds a cached stand-in.
MAVEN_PACKAGES=openjdk-21-jdk-headless,maven,libmaven-resources-plugin-java,libmaven-compiler-plugin-java
MAVEN_PACKAGES+=,libsurefire-java,libmaven-jar-plugin-java,libmaven-install-plugin-java
MAVEN_PACKAGES+=,libmaven-shade-plugin-java,libjackson2-databind-java
MAVEN_PACKAGES+=,ca-certificates
PATH_ENV='ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
GO_ENV=(--change 'ENV PATH=/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
        --change 'ENV GOPATH=/go' --change 'WORKDIR /go' --change 'CMD ["bash"]')
GO_TRIXIE_ENV=("${GO_ENV[@]}" --change 'ENV GOCACHE=/go/cache')
STATIC_ENV=(--change 'USER 65532:65532' --change 'WORKDIR /home/nonroot'
            --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin'
            --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt')

# Each image stands in for the public one whose tag it carries, with what Debian packages of
# that suite: trixie gives python3 3.13, nodejs 20 and golang-go 1.24 (the defaults' runtimes
# are newer; what the tests exercise works on these). Trixie images are the default profile's;
# the bookworm ones stand in for its `-bookworm` versions.
ensure_image python 3.13-slim-trixie debian trixie python3,python3-venv,python-is-python3,ca-certificates \
    --change "$PATH_ENV" --change 'ENV LANG=C.UTF-8' --change 'CMD ["python3"]'
ensure_image node 24-trixie-slim debian trixie nodejs,npm,ca-certificates \
    --change "$PATH_ENV" --change 'CMD ["node"]'
ensure_image golang 1.25-trixie debian trixie golang-go,ca-certificates "${GO_TRIXIE_ENV[@]}"
ensure_image distroless/static-debian13 nonroot static trixie "" "${STATIC_ENV[@]}"
ensure_image debian trixie-slim debian trixie "" --change "$PATH_ENV" --change 'CMD ["bash"]'
# Java 21 (the default profile's `21` version): Debian's JDK and Maven with the Maven plugins
# Debian packages; Maven's global settings send every repository to Debian's maven-repo, so
# `mvn package` builds with no network (Maven Central is not reachable here). A profile's
# mirror (package_indexes.maven) is a user settings file, which takes precedence.
ensure_image maven 3.9-eclipse-temurin-21 debian trixie "$MAVEN_PACKAGES" \
    --change "$PATH_ENV" --change 'ENV JAVA_HOME=/usr/lib/jvm/java-21-openjdk-amd64' \
    --change 'ENV MAVEN_HOME=/usr/share/maven' --change 'CMD ["mvn"]'
ensure_image eclipse-temurin 21-jre debian trixie openjdk-21-jre-headless,ca-certificates \
    --change "$PATH_ENV" --change 'ENV JAVA_HOME=/usr/lib/jvm/java-21-openjdk-amd64' \
    --change 'CMD ["jshell"]'

# Tools the engine tests run that Debian 12 lacks: cosign (a real signature verifier for the
# gate's H03 step), skopeo (its sigstore fallback) and podman 5 (its Quadlet generator).
ensure_image tightship-ci/tools trixie debian trixie cosign,skopeo,podman,ca-certificates \
    --change "$PATH_ENV" --change 'CMD ["bash"]'

ensure_image python 3.11-slim-bookworm debian bookworm python3,python3-venv,python-is-python3,ca-certificates \
    --change "$PATH_ENV" --change 'ENV LANG=C.UTF-8' --change 'CMD ["python3"]'
ensure_image node 18-bookworm-slim debian bookworm nodejs,npm,ca-certificates \
    --change "$PATH_ENV" --change 'CMD ["node"]'
ensure_image golang 1.19-bookworm debian bookworm golang-go,ca-certificates "${GO_ENV[@]}"
ensure_image distroless/static-debian12 nonroot static bookworm "" "${STATIC_ENV[@]}"
ensure_image debian bookworm-slim debian bookworm "" --change "$PATH_ENV" --change 'CMD ["bash"]'

# The static images must really have no shell.
for ref in distroless/static-debian13:nonroot distroless/static-debian12:nonroot; do
    cid=$(docker create "$REGISTRY/$ref" /nonexistent)
    if docker cp "$cid:/bin/sh" - >/dev/null 2>&1; then
        docker rm -f "$cid" >/dev/null; die "$ref has /bin/sh"
    fi
    docker rm -f "$cid" >/dev/null
done

# What later steps need to reach the engine and the registry: `. /var/cache/tightship-ci/engine.env`
{
    echo "export DOCKER_HOST=unix:///var/run/docker.sock"
    echo "export TIGHTSHIP_TEST_REGISTRY=$REGISTRY"
} >"$CACHE/engine.env"

log "images in $REGISTRY:"
for ref in python:3.13-slim-trixie node:24-trixie-slim golang:1.25-trixie \
           distroless/static-debian13:nonroot debian:trixie-slim \
           maven:3.9-eclipse-temurin-21 eclipse-temurin:21-jre \
           python:3.11-slim-bookworm node:18-bookworm-slim golang:1.19-bookworm \
           distroless/static-debian12:nonroot debian:bookworm-slim tightship-ci/tools:trixie; do
    printf '    %-50s %s\n' "$REGISTRY/$ref" "$(manifest_digest "${ref%%:*}" "${ref#*:}")"
done
log "ready (dockerd log: $DOCKERD_LOG, registry log: $REGISTRY_LOG)"
