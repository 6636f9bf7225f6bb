"""TS-B05: packages come only from signed sources, over verified TLS.

RUN scripts are read as shell (generator.check.shell): a finding needs the command that turns
verification off (apt-get with --allow-unauthenticated, curl with -k, dnf with
--setopt=sslverify=false) or a variable that does (GIT_SSL_NO_VERIFY, in front of a command,
exported, or set by ENV). A flag that is only text (`grep -- --allow-untrusted`) is not one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from generator.check.dfutil import pairs
from generator.check.documents import DockerfileDoc, run_script
from generator.check.model import DOCKERFILE, Context, Equivalents, Hit, Rule
from generator.check.shell import Command

APT = {"apt-get", "apt", "aptitude"}
RPM_FAMILY = {"yum", "dnf", "microdnf", "tdnf", "zypper", "rpm"}
PIP = {"pip", "pip3", "uv", "poetry", "pipenv"}
NODE_PM = {"npm", "yarn", "pnpm"}
READERS = {"grep", "egrep", "fgrep", "rg", "test", "[", "[[", "sed", "awk"}
WRITERS = {"echo", "printf"}

# (programs, options, what it does)
OPTIONS = [
    (APT, ("--allow-unauthenticated",), "installs unauthenticated packages"),
    (APT, ("--allow-insecure-repositories",), "allows unsigned apt repositories"),
    (APT, ("--force-yes",), "accepts unauthenticated packages"),
    ({"apk"}, ("--allow-untrusted",), "installs unsigned packages"),
    (RPM_FAMILY, ("--nogpgcheck", "--no-gpg-checks", "--nosignature", "--nodigest"),
     "installs packages without checking signatures"),
    (PIP, ("--trusted-host",), "skips TLS verification for that host"),
    ({"curl"}, ("-k", "--insecure", "--proxy-insecure"), "skips TLS verification"),
    ({"wget"}, ("--no-check-certificate",), "skips TLS verification"),
    (NODE_PM, ("--strict-ssl=false",), "skips TLS verification"),
    ({"go"}, ("-insecure",), "skips TLS and checksum verification"),
]
# Settings that turn verification off, however they are given: an option value
# (--setopt=sslverify=false, -o Acquire::…, git -c http.sslVerify=false), a config command
# (npm config set strict-ssl false), or a line written into a config file.
SETTINGS = [
    (re.compile(r"\b(?:\w+\.)?(?:ssl_?verify)\s*[= ]\s*\"?(?:false|0|no|off)\b", re.I),
     "turns TLS verification off"),
    (re.compile(r"\b(?:\w+\.)?(?:repo_)?gpgcheck\s*[= ]\s*\"?(?:false|0|no|off)\b", re.I),
     "turns package signature checks off"),
    (re.compile(r"AllowUnauthenticated\s*[= ]\s*\"?(?:true|1|yes)", re.I),
     "allows unauthenticated apt packages"),
    (re.compile(r"AllowInsecureRepositories\s*[= ]\s*\"?(?:true|1|yes)", re.I),
     "allows unsigned apt repositories"),
    (re.compile(r"Verify-(?:Peer|Host)\s*[= ]\s*\"?(?:false|0|no)", re.I),
     "turns apt's TLS verification off"),
    (re.compile(r"\[[^\]]*\btrusted=yes\b[^\]]*\]", re.I),
     "marks an apt source as trusted without a signature"),
    (re.compile(r"^(?:\w+\.)?strict-ssl(?:\s+|=)(?:false|0)$", re.I),
     "turns TLS verification off"),
    (re.compile(r"^(?:\w+\.)?trusted-host(?:\s+|=)\S", re.I),
     "trusts a host without TLS verification"),
]
# Variables that turn verification off, and the values that do.
VARIABLES: dict[str, Callable[[str], bool]] = {
    # git skips verification when this is set at all, whatever the value
    "GIT_SSL_NO_VERIFY": lambda v: True,
    "NODE_TLS_REJECT_UNAUTHORIZED": lambda v: v.strip("'\"") == "0",
    "PYTHONHTTPSVERIFY": lambda v: v.strip("'\"") == "0",
    "PIP_TRUSTED_HOST": lambda v: bool(v.strip("'\"")),
    "UV_INSECURE_HOST": lambda v: bool(v.strip("'\"")),
    "NPM_CONFIG_STRICT_SSL": lambda v: v.strip("'\"").lower() in ("false", "0"),
    "YARN_STRICT_SSL": lambda v: v.strip("'\"").lower() in ("false", "0"),
    "CURL_INSECURE": lambda v: bool(v.strip("'\"")),
    "GOINSECURE": lambda v: bool(v.strip("'\"")),
    "GOSUMDB": lambda v: v.strip("'\"").lower() == "off",
    "GONOSUMCHECK": lambda v: v.strip("'\"") == "1",
    "GIT_SSL_VERIFY": lambda v: v.strip("'\"").lower() in ("false", "0"),
}


def command_breaches(cmd: Command) -> list[tuple[str, str]]:
    """(the word to point at, what it does) for each way this command skips verification."""
    found: list[tuple[str, str]] = []
    for programs, options, what in OPTIONS:
        if cmd.name in programs:
            for arg in cmd.args:
                if any(_is_option(arg, o) for o in options):
                    found.append((arg, what))
                    break
    if cmd.name in READERS:
        return found  # they read such text, they do not set it
    words = list(cmd.args)
    if cmd.name in WRITERS:  # a setting written into a config file
        words = [a for a in words if "=" in a or "[" in a or "::" in a]
    hit: set[str] = set()
    for word in words:
        setting = _setting(word)
        if setting:
            found.append((word, setting))
            hit.add(word)
    if cmd.name not in WRITERS:  # `npm config set strict-ssl false`: one setting, two words
        for a, b in zip(words, words[1:], strict=False):
            pair = None if a in hit or b in hit else _setting(f"{a} {b}")
            if pair:
                found.append((a, pair))
    return found


def _setting(text: str) -> str | None:
    for pattern, what in SETTINGS:
        if pattern.search(text):
            return what
    return None


def _is_option(arg: str, option: str) -> bool:
    if option.startswith("--"):
        return arg == option or arg.startswith(option + "=") or (
            "=" in option and arg == option)
    if option.startswith("-") and len(option) == 2:  # a short flag, maybe grouped: -fsSLk
        return arg.startswith("-") and not arg.startswith("--") and arg[1:].isalpha() \
            and option[1] in arg[1:]
    return arg == option


def check(doc: DockerfileDoc, ctx: Context) -> Iterator[Hit]:
    for instr in doc.instructions:
        if instr.keyword == "RUN":
            script = run_script(instr)
            for cmd in script.commands:
                if cmd.wrapper:
                    continue
                for word, what in command_breaches(cmd):
                    yield doc.find(instr, re.escape(word), f"RUN {cmd.name} {word}: {what}")
            for assignment in script.assignments:
                test = VARIABLES.get(assignment.name.upper())
                if test and test(assignment.value):
                    yield doc.find(instr, re.escape(assignment.name),
                                   f"RUN sets {assignment.name}={assignment.value}: it turns "
                                   "package or TLS verification off")
        elif instr.keyword in ("ENV", "ARG"):
            for key, value in pairs(instr):
                test = VARIABLES.get(key.upper())
                given = instr.keyword == "ENV" or f"{key}=" in instr.value
                if test and given and test(value):
                    yield doc.find(instr, re.escape(key), f"{instr.keyword} {key}={value} "
                                   "turns package or TLS verification off")


RULE = Rule(
    id="TS-B05", severity="high", checklist="B05", kinds=(DOCKERFILE,),
    message="packages installed without signature or TLS verification",
    hint="drop the flag or variable; add the repository's signing key or CA instead of "
         "trusting it blindly",
    check=check,
    bad="FROM debian:12-slim@sha256:" + "a" * 64 + "\nRUN apt-get update && apt-get install -y "
        "--allow-unauthenticated --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n",
    good="FROM debian:12-slim@sha256:" + "a" * 64 + "\nRUN apt-get update && apt-get install -y "
         "--no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n",
    equivalents=Equivalents(cis="4.11", checkov="CKV2_DOCKER_2..17 (TLS/signature checks "
                                                 "turned off)"),
    doc="RUN is read as shell: the option must be given to the program it belongs to (apt, "
        "apk, dnf/yum/zypper/rpm, pip, curl, wget, npm, go), a setting must be passed or "
        "written (--setopt=sslverify=false, git -c http.sslVerify=false, a `[trusted=yes]` "
        "source line), or a variable set in front of a command, exported or put in ENV "
        "(GIT_SSL_NO_VERIFY with any value, NODE_TLS_REJECT_UNAUTHORIZED=0, PYTHONHTTPSVERIFY=0, "
        "PIP_TRUSTED_HOST, GOSUMDB=off…). Text that only mentions a flag (grep, echo) is not "
        "a finding.",
)
