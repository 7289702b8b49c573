"""`flask practice equivalent` and `flask practice validate` through app.test_cli_runner(), on
real files."""

from __future__ import annotations

import textwrap

POD = textwrap.dedent("""\
    apiVersion: v1
    kind: Pod
    metadata:
      name: p
    spec:
      containers:
      - name: app
        image: nginx
    """)


def test_equivalent_commands_exit_0(runner):
    result = runner.invoke(args=["practice", "equivalent", "kubectl get pods -n kube-system",
                                 "k get po --namespace=kube-system"])
    assert result.exit_code == 0
    assert result.stdout.strip() == "equivalent"


def test_different_commands_say_what_differs_and_exit_1(runner):
    result = runner.invoke(args=["practice", "equivalent", "kubectl get pods -n kube-system",
                                 "kubectl get pods -n default"])
    assert result.exit_code == 1
    assert result.stdout.strip() == \
        "same command, except: namespace is default, expected kube-system"
    zh = runner.invoke(args=["practice", "equivalent", "--lang", "zh",
                             "kubectl get pods -n kube-system", "kubectl get pods"])
    assert zh.exit_code == 1
    assert zh.stdout.strip() == "命令相同，只是：命名空间是 default，应为 kube-system"


def test_notes_go_to_stderr(runner):
    result = runner.invoke(args=["practice", "equivalent", "kubectl run p --image=nginx "
                                 "--dry-run=client", "kubectl run p --image=nginx --dry-run"])
    assert result.exit_code == 0
    assert result.stdout.strip() == "equivalent"
    assert "deprecated" in result.stderr


def test_an_unreadable_reference_command_exits_2(runner):
    result = runner.invoke(args=["practice", "equivalent", "kubectl gett pods", "kubectl get po"])
    assert result.exit_code == 2
    assert "CMD1: kubectl has no command gett" in result.stderr


def test_validate_prints_file_line_message(runner, tmp_path):
    bad = tmp_path / "pod.yaml"
    bad.write_text(POD.replace("    image: nginx\n", "    image: nginx\n    imagePolicy: Always\n"
                               "    ports:\n    - containerPort: \"80\"\n"))
    result = runner.invoke(args=["practice", "validate", str(bad)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{bad}:9: spec.containers[0].imagePolicy: unknown field imagePolicy "
        "(did you mean imagePullPolicy?)",
        f'{bad}:11: spec.containers[0].ports[0].containerPort: expected an integer, '
        'got a string "80"',
    ]
    assert "2 problems (Kubernetes 1.35)" in result.stderr


def test_validate_a_good_file_and_another_version(runner, tmp_path):
    good = tmp_path / "pod.yaml"
    good.write_text(POD)
    result = runner.invoke(args=["practice", "validate", str(good), "--k8s-version", "1.29"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"{good}: valid (Kubernetes 1.29)"
    result = runner.invoke(args=["practice", "validate", str(good), "--k8s-version", "1.9"])
    assert result.exit_code == 1
    assert f"{good}:1: Kubernetes 1.9 is not available" in result.stderr


def test_validate_refuses_unsafe_yaml_with_its_line(runner, tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
                    "data: &a {x: y}\nmore: *a\n")
    result = runner.invoke(args=["practice", "validate", "--lang", "zh", str(bomb)])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{bomb}:4: 清单中不接受 YAML 锚点和别名（& 和 *）"
