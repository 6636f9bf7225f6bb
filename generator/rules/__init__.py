"""The rules `check` and the generator's self-check run: one module per rule, one list of all.

Add a rule: write generator/rules/<id>_<name>.py with a RULE, import it here and add it to
ALL_RULES (in checklist order), then regenerate the README's table with
`python -m generator.rules.doc --write README.md`.
"""

from __future__ import annotations

from generator.rules import (
    b01_base_pinned, b01_run_image_tag, b02_allowed_registry, b03_nonroot_user,
    b03_numeric_user, b04_apt_update_install, b04_no_recommends, b04_package_cache,
    b04_profile_pins, b05_signed_packages, b05_pipe_to_shell, b06_final_packages,
    b06_build_in_final, b07_healthcheck, b07_healthcheck_timing, b08_copy_not_add,
    b09_secret_env, b09_secret_files, b09_dockerignore, b10_final_artifacts, b11_exposed_ports,
    b12_one_process, b12_exec_form, b13_oci_labels, b14_pipefail, h01_daemon_settings,
    h02_daemon_tls, p01_unparsable, r01_privileged, r02_added_caps, r02_drop_all,
    r03_no_new_privileges, r04_seccomp, r04_seccomp_dangerous, r04_seccomp_default,
    r05_apparmor, r05_apparmor_capability, r05_apparmor_deny, r05_apparmor_enforce,
    r05_apparmor_mount, r06_read_only_root, r07_limits, r08_restart, r09_host_namespaces,
    r10_ports, r11_host_paths, r11_read_only_mounts, r12_high_uid, r12_run_as_non_root,
    r13_literal_secrets, r13_secret_env, r13_secret_objects, r14_network_policy, r15_probes,
    r16_dedicated_account, r16_service_account_token, r17_namespace_pss, s01_suppression_reason,
)
from generator.rules.base import Rule

ALL_RULES: tuple[Rule, ...] = (
    b01_base_pinned.RULE,
    b01_run_image_tag.RULE,
    b02_allowed_registry.RULE,
    b03_nonroot_user.RULE,
    b03_numeric_user.RULE,
    b04_apt_update_install.RULE,
    b04_no_recommends.RULE,
    b04_package_cache.RULE,
    b04_profile_pins.RULE,
    b05_signed_packages.RULE,
    b05_pipe_to_shell.RULE,
    b06_final_packages.RULE,
    b06_build_in_final.RULE,
    b07_healthcheck.RULE,
    b07_healthcheck_timing.RULE,
    b08_copy_not_add.RULE,
    b09_secret_env.RULE,
    b09_secret_files.RULE,
    b09_dockerignore.RULE,
    b10_final_artifacts.RULE,
    b11_exposed_ports.RULE,
    b12_one_process.RULE,
    b12_exec_form.RULE,
    b13_oci_labels.RULE,
    b14_pipefail.RULE,
    r01_privileged.RULE,
    r02_drop_all.RULE,
    r02_added_caps.RULE,
    r03_no_new_privileges.RULE,
    r04_seccomp.RULE,
    r04_seccomp_default.RULE,
    r04_seccomp_dangerous.RULE,
    r05_apparmor.RULE,
    r05_apparmor_capability.RULE,
    r05_apparmor_mount.RULE,
    r05_apparmor_enforce.RULE,
    r05_apparmor_deny.RULE,
    r06_read_only_root.RULE,
    r07_limits.RULE,
    r08_restart.RULE,
    r09_host_namespaces.RULE,
    r10_ports.RULE,
    r11_host_paths.RULE,
    r11_read_only_mounts.RULE,
    r12_run_as_non_root.RULE,
    r12_high_uid.RULE,
    r13_literal_secrets.RULE,
    r13_secret_objects.RULE,
    r13_secret_env.RULE,
    r14_network_policy.RULE,
    r15_probes.RULE,
    r16_service_account_token.RULE,
    r16_dedicated_account.RULE,
    r17_namespace_pss.RULE,
    h01_daemon_settings.RULE,
    h02_daemon_tls.RULE,
    p01_unparsable.RULE,
    s01_suppression_reason.RULE,
)

BY_ID: dict[str, Rule] = {rule.id: rule for rule in ALL_RULES}
assert len(BY_ID) == len(ALL_RULES), "rule ids must be unique"
