"""The Security Profiles Operator's SeccompProfile (v1beta1) and AppArmorProfile (v1alpha1) as
JSON Schemas, written from the facts of the operator's CRDs: which fields exist, their types,
enums and required keys, and that unknown fields are not part of the object (kubernetes-validate
knows no custom resource, so the tests judge these objects with this)."""

from __future__ import annotations

ACTIONS = ["SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
           "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG",
           "SCMP_ACT_NOTIFY"]
ARCHES = ["SCMP_ARCH_NATIVE", "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32",
          "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64",
          "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64",
          "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE",
          "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64",
          "SCMP_ARCH_RISCV64"]
OPS = ["SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE",
       "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"]


def _object(properties: dict, required: list[str] = ()) -> dict:
    return {"type": "object", "additionalProperties": False, "properties": properties,
            "required": list(required)}


_STRINGS = {"type": "array", "items": {"type": "string"}}
_METADATA = {"type": "object", "required": ["name"],
             "properties": {"name": {"type": "string", "pattern": "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"}}}

SECCOMP_PROFILE = _object({
    "apiVersion": {"const": "security-profiles-operator.x-k8s.io/v1beta1"},
    "kind": {"const": "SeccompProfile"},
    "metadata": {**_METADATA, "required": ["name", "namespace"]},  # namespaced
    "spec": _object({
        "architectures": {"type": "array", "items": {"enum": ARCHES}},
        "baseProfileName": {"type": "string"},
        "defaultAction": {"enum": ACTIONS},
        "flags": _STRINGS,
        "listenerMetadata": {"type": "string"},
        "listenerPath": {"type": "string"},
        "syscalls": {"type": "array", "items": _object({
            "action": {"enum": ACTIONS},
            "names": {**_STRINGS, "minItems": 1},
            "errnoRet": {"type": "string"},
            "args": {"type": "array", "maxItems": 6, "items": _object({
                "index": {"type": "integer", "minimum": 0},
                "op": {"enum": OPS},
                "value": {"type": "integer", "minimum": 0},
                "valueTwo": {"type": "integer", "minimum": 0},
            }, ["index", "op"])},
        }, ["action", "names"])},
    }, ["defaultAction"]),
}, ["apiVersion", "kind", "metadata", "spec"])

APPARMOR_PROFILE = _object({
    "apiVersion": {"const": "security-profiles-operator.x-k8s.io/v1alpha1"},
    "kind": {"const": "AppArmorProfile"},
    "metadata": {**_METADATA, "not": {"required": ["namespace"]}},  # cluster scoped
    "spec": _object({
        "abstract": _object({
            "capability": _object({"allowedCapabilities": _STRINGS}),
            "executable": _object({"allowedExecutables": _STRINGS,
                                   "allowedLibraries": _STRINGS}),
            "filesystem": _object({"readOnlyPaths": _STRINGS, "readWritePaths": _STRINGS,
                                   "writeOnlyPaths": _STRINGS}),
            "network": _object({"allowRaw": {"type": "boolean"},
                                "allowedProtocols": _object({
                                    "allowTcp": {"type": "boolean"},
                                    "allowUdp": {"type": "boolean"}})}),
        }),
        "complainMode": {"type": "boolean"},
        "disabled": {"type": "boolean"},
    }),
}, ["apiVersion", "kind", "metadata", "spec"])
