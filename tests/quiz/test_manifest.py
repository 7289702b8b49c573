"""The manifest checker: safe loading, comparison as data (each kind of difference, and what
does not count), and schema validation for each common mistake, with paths and lines, in
English and Chinese."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyk8s.quiz.handson import manifests as m
from studyk8s.quiz.handson.manifests import ENUMS, ManifestError, compare, load, schemas, validate


def y(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


DEPLOYMENT = y("""
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      labels:
        app: web
    spec:
      replicas: 3
      selector:
        matchLabels:
          app: web
      template:
        metadata:
          labels:
            app: web
        spec:
          containers:
          - name: nginx
            image: nginx:1.25
            ports:
            - containerPort: 80
            env:
            - name: A
              value: "1"
            - name: B
              value: "2"
            resources:
              limits:
                cpu: 500m
                memory: 1Gi
          - name: sidecar
            image: busybox:1.36
            command: ["sh", "-c", "sleep 3600"]
    """)

SERVICE = y("""
    apiVersion: v1
    kind: Service
    metadata:
      name: web
    spec:
      selector:
        app: web
      ports:
      - port: 80
        targetPort: 8080
    """)


def messages(verdict, lang="en"):
    return verdict.messages(lang)


# --- loading safely ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "code", "line"), [
    ("a: &x 1\nb: *x\n", "alias", 1),
    ("a: 1\nb: &anchor {c: 1}\n", "alias", 2),
    ("a: &a [1,1]\nb: &b [*a,*a]\nc: &c [*b,*b]\n", "alias", 1),  # the start of a bomb
    ("a: 1\nb:\n  c: 1\n  c: 2\n", "duplicate", 4),
    ("a: !!python/object:os.system {}\n", "yaml", 1),
    ("a: [1, 2\nb: 3\n", "yaml", None),
    ("- 1\n- 2\n", "not_mapping", 1),
    ("", "empty", None),
    ("---\n---\n", "empty", None),
    ("a: " + "[" * 50 + "]" * 50 + "\n", "too_deep", 1),
])
def test_unsafe_or_broken_yaml_is_refused_with_its_line(text, code, line):
    with pytest.raises(ManifestError) as exc:
        load(text)
    assert exc.value.code == code
    if line is not None:
        assert exc.value.line == line
    assert exc.value.message("zh") != exc.value.message("en")


def test_size_and_document_limits():
    with pytest.raises(ManifestError) as exc:
        load("a: " + "x" * (m.MAX_BYTES + 1))
    assert exc.value.code == "too_big"
    many = "".join(f"---\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n"
                   for i in range(m.MAX_DOCUMENTS + 1))
    with pytest.raises(ManifestError) as exc:
        load(many)
    assert exc.value.code == "too_many"


def test_several_documents_keep_their_own_lines():
    docs = load(DEPLOYMENT + "---\n" + SERVICE)
    assert [d.kind for d in docs] == ["Deployment", "Service"]
    assert docs[1].line_of(("spec", "ports", 0, "targetPort")) == DEPLOYMENT.count("\n") + 11
    assert docs[0].line_of(("spec", "template", "spec", "containers", 0, "image")) == 19


# --- comparing: what does not count -----------------------------------------------------------


def test_the_same_manifest_is_equivalent():
    assert compare(DEPLOYMENT, DEPLOYMENT).equivalent


def test_key_order_quoting_and_flow_style_do_not_count():
    given = y("""
        kind: Deployment
        apiVersion: "apps/v1"
        metadata: {labels: {app: web}, name: "web"}
        spec:
          template:
            spec:
              containers:
              - image: "nginx:1.25"
                name: nginx
                resources: {limits: {memory: 1Gi, cpu: 500m}}
                env: [{name: A, value: "1"}, {value: "2", name: B}]
                ports: [{containerPort: 80}]
              - {name: sidecar, image: "busybox:1.36", command: [sh, -c, sleep 3600]}
            metadata: {labels: {app: web}}
          selector: {matchLabels: {app: web}}
          replicas: 3
        """)
    v = compare(DEPLOYMENT, given)
    assert v.equivalent, v.messages()


def test_defaults_the_apiserver_fills_in_do_not_count():
    given = DEPLOYMENT.replace("  replicas: 3\n", "  replicas: 3\n  revisionHistoryLimit: 10\n"
                               "  strategy:\n    type: RollingUpdate\n") \
        .replace("    spec:\n      containers:", "    spec:\n      restartPolicy: Always\n"
                 "      dnsPolicy: ClusterFirst\n      containers:") \
        .replace("        - containerPort: 80\n", "        - containerPort: 80\n"
                 "          protocol: TCP\n") \
        .replace("        image: nginx:1.25\n", "        image: nginx:1.25\n"
                 "        imagePullPolicy: IfNotPresent\n")
    assert given != DEPLOYMENT
    assert compare(DEPLOYMENT, given).equivalent, compare(DEPLOYMENT, given).messages()


def test_replicas_1_and_service_defaults_do_not_count():
    one = DEPLOYMENT.replace("  replicas: 3\n", "  replicas: 1\n")
    omitted = DEPLOYMENT.replace("  replicas: 3\n", "")
    assert compare(one, omitted).equivalent
    explicit = SERVICE.replace("  ports:\n", "  type: ClusterIP\n  sessionAffinity: None\n"
                                             "  ports:\n").replace(
        "  - port: 80\n", "  - port: 80\n    protocol: TCP\n")
    assert compare(SERVICE, explicit).equivalent
    same_port = SERVICE.replace("    targetPort: 8080\n", "    targetPort: 80\n")
    no_target = SERVICE.replace("    targetPort: 8080\n", "")
    assert compare(same_port, no_target).equivalent  # targetPort defaults to port


def test_image_pull_policy_default_depends_on_the_tag():
    latest = DEPLOYMENT.replace("image: nginx:1.25", "image: nginx")
    always = latest.replace("image: nginx\n", "image: nginx\n        imagePullPolicy: Always\n")
    assert compare(latest, always).equivalent
    tagged_always = DEPLOYMENT.replace("image: nginx:1.25\n",
                                       "image: nginx:1.25\n        imagePullPolicy: Always\n")
    v = compare(DEPLOYMENT, tagged_always)
    assert not v.equivalent
    assert v.messages() == ['20: spec.template.spec.containers[0].imagePullPolicy is "Always", '
                            'expected "IfNotPresent"']


def test_int_or_string_and_quantities_are_compared_by_value():
    quoted = SERVICE.replace("targetPort: 8080", 'targetPort: "8080"')
    assert compare(SERVICE, quoted).equivalent
    other = DEPLOYMENT.replace("cpu: 500m", 'cpu: "0.5"').replace("memory: 1Gi", "memory: 1024Mi")
    assert compare(DEPLOYMENT, other).equivalent
    more = DEPLOYMENT.replace("cpu: 500m", "cpu: 600m")
    assert "spec.template.spec.containers[0].resources.limits.cpu is \"600m\", expected " \
           "\"500m\"" in " ".join(compare(DEPLOYMENT, more).messages())


# A hand-written Deployment `web` up to its pod template's spec (the containers are each
# test's own).
WEB_HEAD = y("""
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web, labels: {app: web}}
    spec:
      replicas: 3
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
    """)


def test_what_kubectl_dry_run_prints_equals_the_hand_written_manifest():
    printed = y("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          creationTimestamp: null
          labels:
            app: web
          name: web
          namespace: default
        spec:
          replicas: 3
          selector:
            matchLabels:
              app: web
          strategy: {}
          template:
            metadata:
              creationTimestamp: null
              labels:
                app: web
            spec:
              containers:
              - image: nginx:1.25
                name: nginx
                resources: {}
        status: {}
        """)
    hand = WEB_HEAD + '      containers: [{name: nginx, image: "nginx:1.25"}]\n'
    assert compare(hand, printed).equivalent, compare(hand, printed).messages()


def test_lists_kubernetes_keys_by_name_match_in_any_order():
    swapped = DEPLOYMENT.replace(
        "        - name: A\n          value: \"1\"\n        - name: B\n          value: \"2\"\n",
        "        - name: B\n          value: \"2\"\n        - name: A\n          value: \"1\"\n")
    assert swapped != DEPLOYMENT
    assert compare(DEPLOYMENT, swapped).equivalent
    docs = load(DEPLOYMENT)
    containers = docs[0].data["spec"]["template"]["spec"]["containers"]
    reordered = WEB_HEAD + "      containers:\n"
    import yaml
    reordered += textwrap.indent(yaml.safe_dump(containers[::-1]), "      ")
    assert compare(DEPLOYMENT, reordered).equivalent, compare(DEPLOYMENT, reordered).messages()


def test_documents_are_matched_by_kind_and_name_not_order():
    assert compare(DEPLOYMENT + "---\n" + SERVICE, SERVICE + "---\n" + DEPLOYMENT).equivalent


# --- comparing: each kind of difference, by path and line ---------------------------------------


def test_changed_value_names_path_and_learner_line():
    given = DEPLOYMENT.replace("image: nginx:1.25", "image: nginx:1.26")
    v = compare(DEPLOYMENT, given)
    (d,) = v.differences
    assert m.path_text(d.path) == "spec.template.spec.containers[0].image"
    assert d.line == 19
    assert v.messages() == ['19: spec.template.spec.containers[0].image is "nginx:1.26", '
                            'expected "nginx:1.25"']
    assert v.messages("zh") == ['19: spec.template.spec.containers[0].image 是 "nginx:1.26"，'
                                '应为 "nginx:1.25"']


def test_missing_and_extra_fields():
    given = DEPLOYMENT.replace("        ports:\n        - containerPort: 80\n", "") \
        .replace("      labels:\n        app: web\n    spec:\n      containers",
                 "      labels:\n        app: web\n        tier: fe\n    spec:\n      containers")
    v = compare(DEPLOYMENT, given)
    text = v.messages()
    assert any("spec.template.spec.containers[0].ports is missing" in t for t in text), text
    assert any("spec.template.metadata.labels.tier is not asked for" in t for t in text), text


def test_command_order_counts():
    given = DEPLOYMENT.replace('["sh", "-c", "sleep 3600"]', '["-c", "sh", "sleep 3600"]')
    v = compare(DEPLOYMENT, given)
    paths = [m.path_text(d.path) for d in v.differences]
    assert paths == ["spec.template.spec.containers[1].command[0]",
                     "spec.template.spec.containers[1].command[1]"]


def test_a_missing_container_among_two():
    given = DEPLOYMENT[:DEPLOYMENT.index("      - name: sidecar")]
    v = compare(DEPLOYMENT, given)
    assert [(d.kind, m.path_text(d.path)) for d in v.differences] == [
        ("missing", "spec.template.spec.containers[1]")]


def test_a_renamed_single_container_is_compared_field_by_field():
    one = DEPLOYMENT[:DEPLOYMENT.index("      - name: sidecar")]
    renamed = one.replace("- name: nginx", "- name: web")
    v = compare(one, renamed)
    assert [m.path_text(d.path) for d in v.differences] == ["spec.template.spec.containers[0].name"]


def test_missing_and_extra_documents():
    v = compare(DEPLOYMENT + "---\n" + SERVICE, DEPLOYMENT)
    assert v.messages() == ["a Service named web is missing"]
    v = compare(DEPLOYMENT, DEPLOYMENT + "---\n" + SERVICE)
    assert v.messages()[0].endswith("the Service named web is not asked for")
    assert v.messages("zh")[0].endswith("多了名为 web 的 Service，题目没有要求")


def test_namespace_default_equals_none_but_another_namespace_counts():
    ns = DEPLOYMENT.replace("  name: web\n  labels:", "  name: web\n  namespace: default\n"
                            "  labels:", 1)
    assert compare(DEPLOYMENT, ns).equivalent
    other = ns.replace("namespace: default", "namespace: prod")
    assert "metadata.namespace is not asked for" in compare(DEPLOYMENT, other).messages()[0]


# --- validating: each common mistake ------------------------------------------------------------

POD = y("""
    apiVersion: v1
    kind: Pod
    metadata:
      name: p
    spec:
      containers:
      - name: app
        image: nginx
    """)


@pytest.mark.parametrize(("text", "expected", "zh"), [
    (POD.replace("    image: nginx\n", "    image: nginx\n    imagePolicy: Always\n"),
     "9: spec.containers[0].imagePolicy: unknown field imagePolicy (did you mean "
     "imagePullPolicy?)", "未知字段 imagePolicy（是不是 imagePullPolicy？）"),
    (POD.replace("    image: nginx\n", "    image: nginx\n    ports:\n"
                 "    - containerport: 80\n"),
     "10: spec.containers[0].ports[0].containerport: unknown field containerport (did you mean "
     "containerPort?)", "未知字段"),
    (POD.replace("apiVersion: v1", "apiVersion: apps/v1"),
     "1: apiVersion: kind Pod has no apiVersion apps/v1 in Kubernetes 1.35; use v1",
     "Pod 没有 apiVersion apps/v1，应使用 v1"),
    (DEPLOYMENT.replace("apps/v1", "extensions/v1beta1"),
     "1: apiVersion: kind Deployment has no apiVersion extensions/v1beta1 in Kubernetes 1.35; "
     "use apps/v1", "应使用 apps/v1"),
    (DEPLOYMENT.replace("replicas: 3", 'replicas: "3"'),
     '8: spec.replicas: expected an integer, got a string "3"', "应为整数，实际是字符串"),
    (DEPLOYMENT.replace("containerPort: 80", "containerPort: eighty"),
     '21: spec.template.spec.containers[0].ports[0].containerPort: expected an integer, got a '
     'string "eighty"', "应为整数"),
    (POD.replace("    image: nginx\n", "    image: nginx\n    env:\n    - name: X\n"
                 "      value: 1\n"),
     "11: spec.containers[0].env[0].value: expected a string, got an integer 1", "应为字符串"),
    (POD.replace("spec:\n  containers:\n  - name: app\n    image: nginx\n", "spec: {}\n"),
     "5: spec.containers: required field containers is missing", "缺少必填字段 containers"),
    (POD.replace("kind: Pod", "kind: Pdo"), "2: kind: Kubernetes 1.35 has no kind Pdo",
     "没有 Pdo 这种 kind"),
    (POD.replace("apiVersion: v1\n", ""), "1: apiVersion is missing", "缺少 apiVersion"),
    (POD.replace("    image: nginx\n", "    image: nginx\n    imagePullPolicy: always\n"),
     '9: spec.containers[0].imagePullPolicy: "always" is not allowed; one of: Always, Never, '
     'IfNotPresent', "不允许"),
    (SERVICE.replace("targetPort: 8080", "targetPort: [8080]"),
     "10: spec.ports[0].targetPort: expected a string or an integer, got a list [8080]",
     "应为字符串 或 整数"),
    (DEPLOYMENT.replace("cpu: 500m", "cpu: [1]"),
     "29: spec.template.spec.containers[0].resources.limits.cpu: expected a string or a number, "
     "got a list [1]", "应为字符串 或 数字"),
    (SERVICE.replace("  selector:", "  type: NodePorts\n  selector:"),
     '6: spec.type: "NodePorts" is not allowed; one of: ExternalName, ClusterIP, NodePort, '
     'LoadBalancer', "不允许"),
])
def test_schema_mistakes(text, expected, zh):
    v = compare(text, text)
    assert not v.equivalent
    assert expected in v.messages(), v.messages()
    assert any(zh in line for line in v.messages("zh")), v.messages("zh")


def test_valid_manifests_have_no_problems():
    assert validate(DEPLOYMENT + "---\n" + SERVICE) == []
    assert validate(POD, "1.25") == []


def test_the_kubernetes_version_is_configurable():
    hpa = y("""
        apiVersion: autoscaling/v2beta2
        kind: HorizontalPodAutoscaler
        metadata: {name: web}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
          maxReplicas: 5
        """)
    assert validate(hpa, "1.25") == []  # autoscaling/v2beta2 was removed in 1.26
    (p,) = validate(hpa, "v1.35.2")
    assert p.code == "wrong_api_version"
    assert "use autoscaling/v2 / autoscaling/v1" in p.message()
    with pytest.raises(ManifestError) as exc:
        validate(hpa, "1.12")
    assert exc.value.code == "version"
    assert m.DEFAULT_K8S_VERSION in m.available_versions()


def test_enum_values_are_those_the_schema_describes():
    """ENUMS is hand-listed: every value must appear in that field's description."""
    defs = schemas().defs
    for (definition, field_name), values in ENUMS.items():
        description = defs[definition]["properties"][field_name]["description"]
        for value in values:
            assert value in description, (definition, field_name, value)


def test_comparison_and_validation_of_a_bad_answer_report_both():
    given = DEPLOYMENT.replace("replicas: 3", "replicas: 2").replace(
        "        image: nginx:1.25\n", "        image: nginx:1.25\n        imagePolicy: x\n")
    v = compare(DEPLOYMENT, given)
    assert [p.code for p in v.problems] == ["unknown_field"]
    assert {m.path_text(d.path) for d in v.differences} == {
        "spec.replicas", "spec.template.spec.containers[0].imagePolicy"}


def test_an_unreadable_answer_is_a_verdict_with_its_line():
    v = compare(DEPLOYMENT, DEPLOYMENT + "---\nbad: &x 1\n")
    assert not v.equivalent
    line = DEPLOYMENT.count("\n") + 2
    assert v.messages() == [f"{line}: YAML anchors and aliases (& and *) are not accepted in a "
                            "manifest"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab:-&*![]{}\n #'\"|>1.")), max_size=80))
def test_any_text_loads_or_fails_with_a_manifest_error(text):
    try:
        docs = load(text)
    except ManifestError as exc:
        assert exc.message("en") and exc.message("zh")
    else:
        assert all(isinstance(d.data, dict) for d in docs)


def test_secret_string_data_equals_its_base64_data():
    encoded = "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\ndata: {password: bXlwYXNz}\n"
    plain = "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\ntype: Opaque\n" \
            "stringData: {password: mypass}\n"
    assert compare(encoded, plain).equivalent
    wrong = plain.replace("mypass", "mypas")
    assert [m.path_text(d.path) for d in compare(encoded, wrong).differences] == [
        "data.password"]


def test_the_checkers_are_pure():
    """No module of either checker imports Flask, SQLAlchemy, os or subprocess (the quiz
    package's own __init__ aside)."""
    import ast

    from studyk8s.quiz import handson

    modules = sorted(Path(handson.__file__).parent.rglob("*.py"))
    assert len(modules) > 10
    for module in modules:
        tree = ast.parse(module.read_text(encoding="utf-8"))
        names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import)
                 for a in n.names}
        names |= {(n.module or "").split(".")[0] for n in ast.walk(tree)
                  if isinstance(n, ast.ImportFrom) and not n.level}
        assert not names & {"flask", "sqlalchemy", "subprocess", "os"}, (module, names)


def test_a_manifest_copied_from_the_cluster_equals_the_hand_written_one():
    from_cluster = y("""
        apiVersion: v1
        kind: Service
        metadata:
          annotations:
            kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"v1"}'
          creationTimestamp: 2024-06-25T07:55:16Z
          name: web
          namespace: default
          resourceVersion: "93442"
          uid: 191e3dac-784d-11e8-86b1-00155d9f663c
        spec:
          clusterIP: 10.97.242.220
          clusterIPs: [10.97.242.220]
          ipFamilies: [IPv4]
          ipFamilyPolicy: SingleStack
          ports:
          - port: 80
            protocol: TCP
            targetPort: 8080
          selector:
            app: web
          sessionAffinity: None
          type: ClusterIP
        status:
          loadBalancer: {}
        """)
    assert validate(from_cluster) == []  # the timestamp is a string, as Kubernetes reads it
    assert compare(SERVICE, from_cluster).equivalent, compare(SERVICE, from_cluster).messages()
    headless = SERVICE.replace("spec:\n", "spec:\n  clusterIP: None\n")
    assert "spec.clusterIP is missing" in compare(headless, SERVICE).messages()[0]


def test_warm_builds_the_common_validators():
    sch = m.warm()
    assert sch.version == m.DEFAULT_K8S_VERSION
    assert all(sch.validator(k, av) is not None for k, av in m.COMMON_KINDS)


@pytest.mark.parametrize(("path", "typed", "right"), [
    (("spec", "replicas"), "3", True),
    (("spec", "replicas"), " 3 ", True),
    (("spec", "replicas"), "4", False),
    (("spec", "template", "spec", "containers", 0, "image"), "nginx:1.25", True),
    (("spec", "template", "spec", "containers", 0, "image"), "docker.io/library/nginx:1.25",
     True),
    (("spec", "template", "spec", "containers", 0, "image"), "nginx", False),
    (("spec", "template", "spec", "containers", 0, "resources", "limits", "cpu"), "0.5", True),
    (("spec", "template", "spec", "containers", 0, "resources", "limits", "memory"), "1024Mi",
     True),
    (("spec", "template", "spec", "containers", 0, "ports", 0, "containerPort"), '"80"', True),
    (("metadata", "name"), "web", True),
    (("metadata", "name"), "Web", False),
])
def test_one_blanked_field(path, typed, right):
    ok, expected = m.check_field(DEPLOYMENT, path, typed)
    assert ok is right
    assert expected is not None


def test_blanked_int_or_string_field():
    assert m.check_field(SERVICE, ("spec", "ports", 0, "targetPort"), '"8080"')[0]
    assert not m.check_field(SERVICE, ("spec", "ports", 0, "targetPort"), "http")[0]
