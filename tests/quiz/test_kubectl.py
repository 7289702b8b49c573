"""The command checker judged like a CKA examiner: a table of command pairs (equivalent or not,
with the difference the learner must be told), property tests on flag order and `=` forms,
and errors a learner can read."""

from __future__ import annotations

import shlex

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyk8s.quiz.handson.commands import (
    CommandError,
    compare,
    image,
    parse,
    resource,
)

# (expected, given, what the learner is told: "equivalent" or a fragment of the message)
EQUIVALENT = "equivalent"
PAIRS: list[tuple[str, str, str]] = [
    # --- get: names of types, TYPE/NAME, flags in any order, short and long forms ------------
    ("kubectl get pods", "kubectl get pod", EQUIVALENT),
    ("kubectl get pods", "kubectl get po", EQUIVALENT),
    ("kubectl get pods", "k get pods", EQUIVALENT),
    ("kubectl get pods", "$ kubectl get pods", EQUIVALENT),
    ("kubectl get pods", "root@controlplane:~# kubectl get pods", EQUIVALENT),
    ("kubectl get pods", "kubectl get Pods", EQUIVALENT),
    ("kubectl get pods", "kubectl get pods.v1", EQUIVALENT),
    ("kubectl get deployments", "kubectl get deploy", EQUIVALENT),
    ("kubectl get deployments", "kubectl get deployment.apps", EQUIVALENT),
    ("kubectl get deployments", "kubectl get deployments.v1.apps", EQUIVALENT),
    ("kubectl get deployments", "kubectl get deploy.apps", EQUIVALENT),
    ("kubectl get services", "kubectl get svc", EQUIVALENT),
    ("kubectl get namespaces", "kubectl get ns", EQUIVALENT),
    ("kubectl get configmaps", "kubectl get cm", EQUIVALENT),
    ("kubectl get persistentvolumeclaims", "kubectl get pvc", EQUIVALENT),
    ("kubectl get persistentvolumes", "kubectl get pv", EQUIVALENT),
    ("kubectl get statefulsets", "kubectl get sts", EQUIVALENT),
    ("kubectl get daemonsets", "kubectl get ds", EQUIVALENT),
    ("kubectl get cronjobs", "kubectl get cj", EQUIVALENT),
    ("kubectl get replicasets", "kubectl get rs", EQUIVALENT),
    ("kubectl get serviceaccounts", "kubectl get sa", EQUIVALENT),
    ("kubectl get nodes", "kubectl get no", EQUIVALENT),
    ("kubectl get ingresses", "kubectl get ing", EQUIVALENT),
    ("kubectl get networkpolicies", "kubectl get netpol", EQUIVALENT),
    ("kubectl get horizontalpodautoscalers", "kubectl get hpa", EQUIVALENT),
    ("kubectl get storageclasses", "kubectl get sc", EQUIVALENT),
    ("kubectl get customresourcedefinitions", "kubectl get crds", EQUIVALENT),
    ("kubectl get poddisruptionbudgets", "kubectl get pdb", EQUIVALENT),
    ("kubectl get priorityclasses", "kubectl get pc", EQUIVALENT),
    ("kubectl get endpoints", "kubectl get ep", EQUIVALENT),
    ("kubectl get resourcequotas", "kubectl get quota", EQUIVALENT),
    ("kubectl get limitranges", "kubectl get limits", EQUIVALENT),
    ("kubectl get certificatesigningrequests", "kubectl get csr", EQUIVALENT),
    ("kubectl get pods,services", "kubectl get svc,po", EQUIVALENT),
    ("kubectl get pod web", "kubectl get pods/web", EQUIVALENT),
    ("kubectl get pod web", "kubectl get po/web", EQUIVALENT),
    ("kubectl get pods a b", "kubectl get pod/b pod/a", EQUIVALENT),
    ("kubectl get pods -n kube-system", "kubectl get po --namespace kube-system", EQUIVALENT),
    ("kubectl get pods -n kube-system", "kubectl get po --namespace=kube-system", EQUIVALENT),
    ("kubectl get pods -n kube-system", "kubectl -n kube-system get pods", EQUIVALENT),
    ("kubectl get pods -n kube-system", "kubectl get pods -nkube-system", EQUIVALENT),
    ("kubectl get pods -n kube-system", "kubectl get pods -n=kube-system", EQUIVALENT),
    ("kubectl get pods -A", "kubectl get pods --all-namespaces", EQUIVALENT),
    ("kubectl get pods -A", "kubectl get pods --all-namespaces=true", EQUIVALENT),
    ("kubectl get pods -o wide", "kubectl get pods -owide", EQUIVALENT),
    ("kubectl get pods -o wide", "kubectl get pods --output=wide", EQUIVALENT),
    ("kubectl get pods -o wide", "kubectl get pods --output wide", EQUIVALENT),
    ("kubectl get pods -o wide", "kubectl get -o wide pods", EQUIVALENT),
    ("kubectl get pods -l app=web", "kubectl get pods --selector app=web", EQUIVALENT),
    ("kubectl get pods -l app=web,tier=fe", "kubectl get pods -l tier=fe,app=web", EQUIVALENT),
    ("kubectl get pods -l app=web,tier=fe", "kubectl get pods -l 'app==web, tier=fe'",
     EQUIVALENT),
    ("kubectl get pods -l 'env in (a,b)'", "kubectl get pods -l 'env in (b, a)'", EQUIVALENT),
    ("kubectl get pods --show-labels", "kubectl get po --show-labels=true", EQUIVALENT),
    ("kubectl get pods -n default", "kubectl get pods", EQUIVALENT),
    ("kubectl get pods", "kubectl get pods --namespace default", EQUIVALENT),
    ("kubectl get nodes", "kubectl get nodes -n kube-system", EQUIVALENT),
    ("kubectl get pods --sort-by=.metadata.name",
     "kubectl get pods --sort-by='{.metadata.name}'", EQUIVALENT),
    ("kubectl get pods -o jsonpath='{.items[*].metadata.name}'",
     "kubectl get pods -o=jsonpath=\"{.items[*].metadata.name}\"", EQUIVALENT),
    ("kubectl get pods --field-selector status.phase=Running,spec.nodeName=n1",
     "kubectl get pods --field-selector=spec.nodeName=n1,status.phase=Running", EQUIVALENT),
    ("kubectl get pods -w", "kubectl get pods --watch", EQUIVALENT),
    ("kubectl get pods | grep web", "kubectl get po | grep web", EQUIVALENT),
    # get: what differs
    ("kubectl get pods -n kube-system", "kubectl get pods",
     "namespace is default, expected kube-system"),
    ("kubectl get pods -n kube-system", "kubectl get pods -n kube-public",
     "namespace is kube-public, expected kube-system"),
    ("kubectl get pods -A", "kubectl get pods", "--all-namespaces is missing"),
    ("kubectl get pods -o wide", "kubectl get pods -o yaml",
     "output format is yaml, expected wide"),
    ("kubectl get pods -o wide", "kubectl get pods", "--output=wide is missing"),
    ("kubectl get pods", "kubectl get svc", "the object: missing pods"),
    ("kubectl get pod web", "kubectl get pod api", "the object: missing pods/web"),
    ("kubectl get pods -l app=web", "kubectl get pods -l app=api",
     "--selector: missing app=web"),
    ("kubectl get pods --show-labels", "kubectl get pods", "--show-labels is missing"),
    ("kubectl get pods", "kubectl describe pods",
     "a different command: kubectl describe, expected kubectl get"),
    ("kubectl get pods", "kubectl get pods --bogus", "kubectl get has no flag --bogus"),
    ("kubectl get pods | grep web", "kubectl get pods", "the shell part | grep web is missing"),
    # --- describe, delete, edit ---------------------------------------------------------------
    ("kubectl describe deployment web", "kubectl describe deploy/web", EQUIVALENT),
    ("kubectl describe node node01", "kubectl describe no node01", EQUIVALENT),
    ("kubectl describe pod web -n dev", "kubectl -n dev describe po/web", EQUIVALENT),
    ("kubectl describe pod web -n dev", "kubectl describe po/web",
     "namespace is default, expected dev"),
    ("kubectl delete pod web", "kubectl delete pods/web", EQUIVALENT),
    ("kubectl delete pod web --grace-period=0 --force",
     "kubectl delete po web --force --grace-period 0", EQUIVALENT),
    ("kubectl delete pod web --grace-period=0 --force", "kubectl delete po web --force",
     "--grace-period=0 is missing"),
    ("kubectl delete -f pod.yaml", "kubectl delete --filename=./pod.yaml", EQUIVALENT),
    ("kubectl delete pods --all -n dev", "kubectl delete po --all=true --namespace dev",
     EQUIVALENT),
    ("kubectl delete pods -l app=web", "kubectl delete po --selector=app=web", EQUIVALENT),
    ("kubectl delete svc web", "kubectl delete deploy web", "the object"),
    ("kubectl edit deployment web", "kubectl edit deploy/web", EQUIVALENT),
    # --- create: each resource's flags, defaults that do not count ----------------------------
    ("kubectl create deployment web --image=nginx", "kubectl create deploy web --image nginx",
     EQUIVALENT),
    ("kubectl create deployment web --image=nginx", "k create deployment web --image=nginx:latest",
     EQUIVALENT),
    ("kubectl create deployment web --image=nginx",
     "kubectl create deployment web --image=docker.io/library/nginx", EQUIVALENT),
    ("kubectl create deployment web --image=nginx", "kubectl create deployment web --image=nginx "
     "--replicas=1", EQUIVALENT),
    ("kubectl create deployment web --image=nginx --replicas=3",
     "kubectl create deploy web --replicas 3 --image=nginx", EQUIVALENT),
    ("kubectl create deployment web --image=nginx --replicas=3",
     "kubectl create deploy web -r 3 --image=nginx", EQUIVALENT),
    ("kubectl create deployment web --image=nginx --replicas=3",
     "kubectl create deploy web --image=nginx --replicas=03", EQUIVALENT),
    ("kubectl create deployment web --image=nginx --replicas=3",
     "kubectl create deploy web --replicas=2 --image=nginx", "replicas is 2, expected 3"),
    ("kubectl create deployment web --image=nginx:1.25",
     "kubectl create deploy web --image=nginx:1.26", "image is nginx:1.26, expected nginx:1.25"),
    ("kubectl create deployment web --image=nginx", "kubectl create deployment api --image=nginx",
     "name is api, expected web"),
    ("kubectl create deployment web --image=nginx --port=80",
     "kubectl create deployment web --port 80 --image nginx", EQUIVALENT),
    ("kubectl create deployment web --image=nginx --port=80",
     "kubectl create deployment web --image nginx --port 8080", "port is 8080, expected 80"),
    ("kubectl create deployment web --image=nginx -n dev",
     "kubectl create -n dev deployment web --image=nginx", EQUIVALENT),
    ("kubectl create deployment web --image=nginx --dry-run=client -o yaml",
     "kubectl create deploy web --image=nginx -o yaml --dry-run=client", EQUIVALENT),
    ("kubectl create deployment web --image=nginx --dry-run=client -o yaml",
     "kubectl create deploy web --image=nginx -oyaml --dry-run", EQUIVALENT),
    ("kubectl create deployment web --image=nginx --dry-run=client -o yaml",
     "kubectl create deploy web --image=nginx --dry-run=client --output=yaml", EQUIVALENT),
    ("kubectl create deployment web --image=nginx --dry-run=client -o yaml",
     "kubectl create deploy web --image=nginx",
     "--dry-run=client is missing (without it kubectl creates the object"),
    ("kubectl create deployment web --image=nginx --dry-run=client -o yaml",
     "kubectl create deploy web --image=nginx --dry-run=server -o yaml",
     "--dry-run is server, expected client"),
    ("kubectl create deployment web --image=nginx --dry-run=client -o yaml",
     "kubectl create deploy web --image=nginx --dry-run=client -o json",
     "output format is json, expected yaml"),
    ("kubectl create deployment web --image=nginx --dry-run=client -o yaml > web.yaml",
     "kubectl create deploy web --image=nginx --dry-run=client -oyaml > web.yaml", EQUIVALENT),
    ("kubectl create deployment web --image=nginx --dry-run=client -o yaml > web.yaml",
     "kubectl create deploy web --image=nginx --dry-run=client -oyaml > w.yaml",
     "the shell part is > w.yaml, expected > web.yaml"),
    ("kubectl create namespace dev", "kubectl create ns dev", EQUIVALENT),
    ("kubectl create namespace dev", "kubectl create ns prod", "name is prod, expected dev"),
    ("kubectl create configmap cfg --from-literal=a=1 --from-literal=b=2",
     "kubectl create cm cfg --from-literal=b=2 --from-literal a=1", EQUIVALENT),
    ("kubectl create configmap cfg --from-literal=a=1 --from-literal=b=2",
     "kubectl create cm cfg --from-literal=a=1", "--from-literal: missing b=2"),
    ("kubectl create configmap cfg --from-literal=a=1",
     "kubectl create cm cfg --from-literal=a=2", "--from-literal: missing a=1, a=2 not asked for"),
    ("kubectl create configmap cfg --from-file=app.conf",
     "kubectl create configmap cfg --from-file app.conf", EQUIVALENT),
    ("kubectl create secret generic db --from-literal=user=admin --from-literal=pass=s3cr3t",
     "kubectl create secret generic db --from-literal=pass=s3cr3t --from-literal=user=admin",
     EQUIVALENT),
    ("kubectl create secret generic db --from-literal=user=admin",
     "kubectl create secret tls db --cert=a --key=b", "a different command"),
    ("kubectl create secret tls web-tls --cert=tls.crt --key=tls.key",
     "kubectl create secret tls web-tls --key tls.key --cert tls.crt", EQUIVALENT),
    ("kubectl create serviceaccount robot", "kubectl create sa robot", EQUIVALENT),
    ("kubectl create serviceaccount robot -n dev", "kubectl create sa robot",
     "namespace is default, expected dev"),
    ("kubectl create role reader --verb=get,list --resource=pods",
     "kubectl create role reader --verb=list --verb=get --resource=po", EQUIVALENT),
    ("kubectl create role reader --verb=get,list,watch --resource=pods,deployments",
     "kubectl create role reader --resource=deploy,pods --verb=watch,get,list", EQUIVALENT),
    ("kubectl create role reader --verb=get,list --resource=pods",
     "kubectl create role reader --verb=get --resource=pods", "--verb: missing list"),
    ("kubectl create clusterrole reader --verb=get --resource=nodes",
     "kubectl create clusterrole reader --verb=get --resource=no -n dev", EQUIVALENT),
    ("kubectl create rolebinding rb --role=reader --user=jane -n dev",
     "kubectl create rolebinding rb -n dev --user jane --role reader", EQUIVALENT),
    ("kubectl create rolebinding rb --role=reader --serviceaccount=dev:robot",
     "kubectl create rolebinding rb --clusterrole=reader --serviceaccount=dev:robot",
     "--role=reader is missing"),
    ("kubectl create clusterrolebinding crb --clusterrole=view --group=devs --group=ops",
     "kubectl create clusterrolebinding crb --group=ops --group=devs --clusterrole=view",
     EQUIVALENT),
    ("kubectl create service clusterip web --tcp=80:8080",
     "kubectl create svc clusterip web --tcp 80:8080", EQUIVALENT),
    # a port alone is its own target port (kubectl create service --help)
    ("kubectl create service clusterip web --tcp=6379:6379",
     "kubectl create service clusterip web --tcp=6379", EQUIVALENT),
    ("kubectl create service clusterip web --tcp=80",
     "kubectl create service clusterip web --tcp=80:8080", "missing 80:80"),
    ("kubectl create service nodeport web --tcp=80:8080 --node-port=30080",
     "kubectl create service nodeport web --node-port 30080 --tcp=80:8080", EQUIVALENT),
    ("kubectl create service nodeport web --tcp=80:8080 --node-port=30080",
     "kubectl create service nodeport web --tcp=80:8080", "--node-port=30080 is missing"),
    ("kubectl create job pi --image=perl -- perl -e 'print 1'",
     "kubectl create job pi --image perl -- perl -e \"print 1\"", EQUIVALENT),
    ("kubectl create job once --from=cronjob/backup", "kubectl create job once --from=cj/backup",
     EQUIVALENT),
    ("kubectl create cronjob backup --image=busybox --schedule='*/5 * * * *' -- date",
     "kubectl create cj backup --schedule=\"*/5 * * * *\" --image=busybox -- date", EQUIVALENT),
    ("kubectl create cronjob backup --image=busybox --schedule='*/5 * * * *' -- date",
     "kubectl create cj backup --schedule='*/10 * * * *' --image=busybox -- date",
     "--schedule is */10 * * * *, expected */5 * * * *"),
    ("kubectl create ingress web --rule=example.com/=web:80 --class=nginx",
     "kubectl create ing web --class nginx --rule example.com/=web:80", EQUIVALENT),
    ("kubectl create quota q --hard=pods=10,cpu=4", "kubectl create quota q --hard=cpu=4,pods=10",
     EQUIVALENT),
    ("kubectl create token robot", "kubectl create token robot --duration=0s", EQUIVALENT),
    ("kubectl create token robot --duration=1h", "kubectl create token robot --duration=60m",
     EQUIVALENT),
    ("kubectl create priorityclass high --value=1000", "kubectl create pc high --value 1000",
     EQUIVALENT),
    ("kubectl create poddisruptionbudget pdb --selector=app=web --min-available=2",
     "kubectl create pdb pdb --min-available=2 --selector app=web", EQUIVALENT),
    ("kubectl create -f pod.yaml", "kubectl create --filename pod.yaml", EQUIVALENT),
    # --- run ------------------------------------------------------------------------------------
    ("kubectl run web --image=nginx", "kubectl run web --image nginx", EQUIVALENT),
    ("kubectl run web --image=nginx", "kubectl run web --image=nginx --restart=Always",
     EQUIVALENT),
    ("kubectl run web --image=nginx --restart=Never",
     "kubectl run web --restart Never --image nginx", EQUIVALENT),
    ("kubectl run web --image=nginx --restart=Never", "kubectl run web --image=nginx",
     "--restart=Never is missing"),
    ("kubectl run web --image=nginx --port=80 --labels=app=web,tier=fe",
     "kubectl run web --labels tier=fe,app=web --port 80 --image nginx", EQUIVALENT),
    ("kubectl run web --image=nginx --env=A=1 --env=B=2",
     "kubectl run web --env B=2 --env A=1 --image=nginx", EQUIVALENT),
    ("kubectl run web --image=nginx --dry-run=client -o yaml",
     "kubectl run web --image=nginx --dry-run -o yaml", EQUIVALENT),
    ("kubectl run web --image=nginx --dry-run=client -o yaml",
     "kubectl run web --image=nginx --dry-run=true -o yaml", EQUIVALENT),
    ("kubectl run busybox --image=busybox --rm -it --restart=Never -- sh",
     "kubectl run busybox --image=busybox --restart=Never -ti --rm -- /bin/sh", EQUIVALENT),
    ("kubectl run busybox --image=busybox --rm -it --restart=Never -- sh",
     "kubectl run busybox --image=busybox --restart=Never -i -t --rm -- sh", EQUIVALENT),
    ("kubectl run busybox --image=busybox --restart=Never -- sleep 3600",
     "kubectl run busybox --image=busybox --restart=Never -- sleep 360",
     "the command to run is sleep 360, expected sleep 3600"),
    ("kubectl run busybox --image=busybox --command -- sleep 3600",
     "kubectl run busybox --image=busybox -- sleep 3600", "--command is missing"),
    ("kubectl run web --image=nginx -n dev", "kubectl run web --image=nginx --namespace=dev",
     EQUIVALENT),
    ("kubectl run web --image=nginx:1.25", "kubectl run web --image=nginx",
     "image is nginx, expected nginx:1.25"),
    # --- expose, scale, set image, rollout, autoscale --------------------------------------------
    ("kubectl expose deployment web --port=80", "kubectl expose deploy/web --port 80",
     EQUIVALENT),
    ("kubectl expose deployment web --port=80",
     "kubectl expose deploy web --port=80 --target-port=80 --name=web --type=ClusterIP",
     EQUIVALENT),
    ("kubectl expose deployment web --port=80", "kubectl expose deploy web --port=80 "
     "--protocol=TCP", EQUIVALENT),
    ("kubectl expose deployment web --port=80 --target-port=8080 --type=NodePort",
     "kubectl expose deploy web --type NodePort --target-port 8080 --port 80", EQUIVALENT),
    ("kubectl expose deployment web --port=80 --target-port=8080 --type=NodePort",
     "kubectl expose deploy web --port 80 --target-port 8080", "--type=NodePort is missing"),
    ("kubectl expose deployment web --port=80 --name=web-svc",
     "kubectl expose deploy web --port=80", "name web-svc is missing"),
    ("kubectl expose pod web --port=80", "kubectl expose po web --port=80", EQUIVALENT),
    ("kubectl scale deployment web --replicas=5", "kubectl scale deploy/web --replicas 5",
     EQUIVALENT),
    ("kubectl scale deployment web --replicas=5", "kubectl scale --replicas=5 deploy web",
     EQUIVALENT),
    ("kubectl scale deployment web --replicas=5", "kubectl scale deploy web --replicas=4",
     "replicas is 4, expected 5"),
    ("kubectl scale deployment web --replicas=5", "kubectl scale sts web --replicas=5",
     "the object"),
    ("kubectl set image deployment/web nginx=nginx:1.25",
     "kubectl set image deploy web nginx=nginx:1.25", EQUIVALENT),
    ("kubectl set image deployment/web nginx=nginx:1.25",
     "kubectl set image deploy/web nginx=docker.io/library/nginx:1.25", EQUIVALENT),
    ("kubectl set image deployment/web nginx=nginx:1.25",
     "kubectl set image deploy/web nginx=nginx:1.24", "arguments: missing"),
    ("kubectl set image deployment/web nginx=nginx:1.25 sidecar=busybox:1.36",
     "kubectl set image deploy/web sidecar=busybox:1.36 nginx=nginx:1.25", EQUIVALENT),
    ("kubectl rollout status deployment/web", "kubectl rollout status deploy web", EQUIVALENT),
    ("kubectl rollout history deployment/web", "kubectl rollout history deploy/web",
     EQUIVALENT),
    ("kubectl rollout undo deployment/web", "kubectl rollout undo deploy/web", EQUIVALENT),
    ("kubectl rollout undo deployment/web --to-revision=2",
     "kubectl rollout undo deploy web --to-revision 2", EQUIVALENT),
    ("kubectl rollout undo deployment/web --to-revision=2", "kubectl rollout undo deploy web",
     "--to-revision=2 is missing"),
    ("kubectl rollout restart deployment web", "kubectl rollout restart deploy/web", EQUIVALENT),
    ("kubectl rollout status deployment/web", "kubectl rollout history deployment/web",
     "a different command"),
    ("kubectl autoscale deployment web --min=2 --max=5 --cpu-percent=80",
     "kubectl autoscale deploy/web --cpu-percent 80 --max 5 --min 2", EQUIVALENT),
    ("kubectl autoscale deployment web --min=2 --max=5 --cpu-percent=80",
     "kubectl autoscale deploy/web --max=5 --cpu-percent=80", "--min=2 is missing"),
    # --- apply, label, annotate, logs, exec, port-forward, top -----------------------------------
    ("kubectl apply -f web.yaml", "kubectl apply --filename=web.yaml", EQUIVALENT),
    ("kubectl apply -f web.yaml", "kubectl apply -f ./web.yaml", EQUIVALENT),
    ("kubectl apply -f a.yaml -f b.yaml", "kubectl apply -f b.yaml -f a.yaml", EQUIVALENT),
    ("kubectl apply -f web.yaml", "kubectl apply -f web.yml", "--filename: missing web.yaml"),
    ("kubectl apply -k overlays/prod", "kubectl apply --kustomize overlays/prod", EQUIVALENT),
    ("kubectl label pod web env=prod", "kubectl label pods/web env=prod", EQUIVALENT),
    ("kubectl label pod web env=prod tier=fe", "kubectl label po web tier=fe env=prod",
     EQUIVALENT),
    ("kubectl label pod web env=prod --overwrite", "kubectl label --overwrite po/web env=prod",
     EQUIVALENT),
    ("kubectl label pod web env=prod", "kubectl label pod web env=dev",
     "arguments: missing env=prod, env=dev not asked for"),
    ("kubectl label node node01 disk=ssd", "kubectl label no node01 disk=ssd", EQUIVALENT),
    ("kubectl label pod web env-", "kubectl label po/web env-", EQUIVALENT),
    ("kubectl annotate deployment web owner=team-a", "kubectl annotate deploy/web owner=team-a",
     EQUIVALENT),
    ("kubectl logs web", "kubectl logs pod/web", EQUIVALENT),
    ("kubectl logs web", "kubectl logs po/web", EQUIVALENT),
    ("kubectl logs web -c app", "kubectl logs web --container=app", EQUIVALENT),
    ("kubectl logs web -c app", "kubectl logs web app", EQUIVALENT),
    ("kubectl logs web -f", "kubectl logs --follow web", EQUIVALENT),
    ("kubectl logs web --previous", "kubectl logs web -p", EQUIVALENT),
    ("kubectl logs web --tail=20", "kubectl logs web --tail 20", EQUIVALENT),
    ("kubectl logs web --since=1h", "kubectl logs web --since=60m", EQUIVALENT),
    ("kubectl logs web -c app", "kubectl logs web -c sidecar", "container is sidecar"),
    ("kubectl logs web --previous", "kubectl logs web", "--previous is missing"),
    ("kubectl logs deploy/web", "kubectl logs deployment/web", EQUIVALENT),
    ("kubectl exec -it web -- /bin/sh", "kubectl exec web -it -- sh", EQUIVALENT),
    ("kubectl exec -it web -- /bin/sh", "kubectl exec web -ti -- /bin/sh", EQUIVALENT),
    ("kubectl exec -it web -- /bin/sh", "kubectl exec --stdin --tty web -- /bin/sh", EQUIVALENT),
    ("kubectl exec web -- ls /", "kubectl exec pod/web -- ls /", EQUIVALENT),
    ("kubectl exec web -c app -- env", "kubectl exec web --container app -- env", EQUIVALENT),
    ("kubectl exec web -- ls /", "kubectl exec web ls /", EQUIVALENT),
    ("kubectl exec -it web -- /bin/sh", "kubectl exec web -- /bin/sh", "--stdin is missing"),
    ("kubectl exec web -- cat /etc/hosts", "kubectl exec web -- cat /etc/resolv.conf",
     "the command to run is"),
    ("kubectl port-forward pod/web 8080:80", "kubectl port-forward web 8080:80", EQUIVALENT),
    ("kubectl port-forward svc/web 8080:80", "kubectl port-forward service/web 8080:80",
     EQUIVALENT),
    ("kubectl port-forward svc/web 8080:80", "kubectl port-forward svc/web 8081:80",
     "missing 8080:80"),
    ("kubectl top pod", "kubectl top pods", EQUIVALENT),
    ("kubectl top pod", "kubectl top po", EQUIVALENT),
    ("kubectl top node", "kubectl top nodes", EQUIVALENT),
    ("kubectl top pod --sort-by=cpu -A", "kubectl top pods -A --sort-by cpu", EQUIVALENT),
    ("kubectl top pod --sort-by=cpu", "kubectl top pod --sort-by=memory",
     "--sort-by is memory, expected cpu"),
    # --- nodes: taint, cordon, drain -------------------------------------------------------------
    ("kubectl taint nodes node01 key=value:NoSchedule",
     "kubectl taint node node01 key=value:NoSchedule", EQUIVALENT),
    ("kubectl taint nodes node01 key=value:NoSchedule",
     "kubectl taint no/node01 key=value:NoSchedule", EQUIVALENT),
    ("kubectl taint nodes node01 key=value:NoSchedule",
     "kubectl taint nodes node01 key=value:NoExecute", "arguments"),
    ("kubectl taint nodes node01 key=value:NoSchedule-",
     "kubectl taint node node01 key=value:NoSchedule-", EQUIVALENT),
    ("kubectl cordon node01", "kubectl cordon node01 -n default", EQUIVALENT),
    ("kubectl uncordon node01", "kubectl cordon node01", "a different command"),
    ("kubectl drain node01 --ignore-daemonsets", "kubectl drain --ignore-daemonsets node01",
     EQUIVALENT),
    ("kubectl drain node01 --ignore-daemonsets --delete-emptydir-data",
     "kubectl drain node01 --delete-local-data --ignore-daemonsets", EQUIVALENT),
    ("kubectl drain node01 --ignore-daemonsets", "kubectl drain node01",
     "--ignore-daemonsets is missing"),
    ("kubectl drain node01 --ignore-daemonsets", "kubectl drain node02 --ignore-daemonsets",
     "the object"),
    # --- auth, config, explain, api-resources ----------------------------------------------------
    ("kubectl auth can-i create deployments", "kubectl auth can-i create deploy", EQUIVALENT),
    ("kubectl auth can-i create deployments", "kubectl auth can-i create deployments.apps",
     EQUIVALENT),
    ("kubectl auth can-i list pods --as=system:serviceaccount:dev:robot -n dev",
     "kubectl auth can-i list po -n dev --as system:serviceaccount:dev:robot", EQUIVALENT),
    ("kubectl auth can-i list pods --as=jane", "kubectl auth can-i list pods --as=john",
     "--as is john, expected jane"),
    ("kubectl auth can-i delete pods", "kubectl auth can-i get pods", "verb is get"),
    ("kubectl config use-context prod", "kubectl config use prod", EQUIVALENT),
    ("kubectl config use-context prod", "kubectl config use-context dev", "arguments"),
    ("kubectl config set-context --current --namespace=dev",
     "kubectl config set-context --namespace dev --current", EQUIVALENT),
    ("kubectl config get-contexts", "kubectl config get-contexts", EQUIVALENT),
    ("kubectl config view --minify", "kubectl config view --minify=true", EQUIVALENT),
    ("kubectl config current-context", "kubectl config get-contexts", "a different command"),
    ("kubectl explain pod.spec.containers", "kubectl explain pods.spec.containers", EQUIVALENT),
    ("kubectl explain deployment.spec --recursive", "kubectl explain deploy.spec --recursive",
     EQUIVALENT),
    ("kubectl explain pod.spec", "kubectl explain pod.status", "the object"),
    # a boolean flag takes no separate value: `--namespaced false` is --namespaced=true and an
    # argument `false` (kubectl refuses it), as pflag reads it
    ("kubectl api-resources --namespaced=false", "kubectl api-resources --namespaced false",
     "--namespaced=false is missing"),
    ("kubectl api-resources", "kubectl api-resources --namespaced=true", EQUIVALENT),
    ("kubectl cluster-info", "kubectl cluster-info", EQUIVALENT),
    ("kubectl version --client", "kubectl version --client=true", EQUIVALENT),
    # --- kubeadm ---------------------------------------------------------------------------------
    ("kubeadm init --pod-network-cidr=10.244.0.0/16",
     "sudo kubeadm init --pod-network-cidr 10.244.0.0/16", EQUIVALENT),
    ("kubeadm init --pod-network-cidr=10.244.0.0/16 --apiserver-advertise-address=10.0.0.10",
     "kubeadm init --apiserver-advertise-address 10.0.0.10 --pod-network-cidr=10.244.0.0/16",
     EQUIVALENT),
    ("kubeadm init --pod-network-cidr=10.244.0.0/16", "kubeadm init --pod-network-cidr=10.0.0.0/16",
     "--pod-network-cidr is 10.0.0.0/16, expected 10.244.0.0/16"),
    ("kubeadm token create --print-join-command", "kubeadm token create --print-join-command",
     EQUIVALENT),
    ("kubeadm token create --print-join-command", "kubeadm token create",
     "--print-join-command is missing"),
    ("kubeadm join 10.0.0.10:6443 --token abc.def --discovery-token-ca-cert-hash sha256:1",
     "kubeadm join --discovery-token-ca-cert-hash=sha256:1 --token=abc.def 10.0.0.10:6443",
     EQUIVALENT),
    ("kubeadm upgrade plan", "sudo kubeadm upgrade plan", EQUIVALENT),
    ("kubeadm upgrade apply v1.35.0", "kubeadm upgrade apply 1.35.0", EQUIVALENT),
    ("kubeadm upgrade apply v1.35.0", "kubeadm upgrade apply v1.34.0", "arguments"),
    ("kubeadm upgrade apply v1.35.0", "kubeadm upgrade plan", "a different command"),
    ("kubeadm certs check-expiration", "kubeadm certs check-expiration", EQUIVALENT),
    ("kubeadm certs renew all", "kubeadm certs renew all", EQUIVALENT),
    ("kubeadm reset -f", "kubeadm reset --force", EQUIVALENT),
    ("kubeadm upgrade apply v1.35.0", "sudo kubeadm upgrade apply v1.35.0 -y", EQUIVALENT),
    ("kubectl get pods", "kubectl get pods -v=6", EQUIVALENT),
    ("kubectl drain node01 --ignore-daemonsets", "k drain node01 --ignore-deamonsets",
     "kubectl drain has no flag --ignore-deamonsets"),
    # --- helm ------------------------------------------------------------------------------------
    ("helm install web bitnami/nginx", "helm install web bitnami/nginx", EQUIVALENT),
    ("helm install web bitnami/nginx -n web --create-namespace",
     "helm install --create-namespace --namespace web web bitnami/nginx", EQUIVALENT),
    ("helm install web bitnami/nginx --set replicaCount=2,service.type=NodePort",
     "helm install web bitnami/nginx --set service.type=NodePort --set replicaCount=2",
     EQUIVALENT),
    ("helm install web bitnami/nginx --set replicaCount=2",
     "helm install web bitnami/nginx --set replicaCount=3", "--set: missing replicaCount=2"),
    ("helm install web bitnami/nginx --version 15.0.0",
     "helm install web bitnami/nginx --version=15.0.0", EQUIVALENT),
    ("helm install web bitnami/nginx -n web", "helm install web bitnami/nginx",
     "namespace is default, expected web"),
    ("helm uninstall web", "helm delete web", EQUIVALENT),
    ("helm uninstall web", "helm un web", EQUIVALENT),
    ("helm list -A", "helm ls --all-namespaces", EQUIVALENT),
    ("helm repo add bitnami https://charts.bitnami.com/bitnami",
     "helm repo add bitnami https://charts.bitnami.com/bitnami", EQUIVALENT),
    ("helm repo update", "helm repo update", EQUIVALENT),
    ("helm upgrade web bitnami/nginx --install", "helm upgrade -i web bitnami/nginx",
     EQUIVALENT),
    ("helm upgrade web bitnami/nginx -f values.yaml",
     "helm upgrade web bitnami/nginx --values values.yaml", EQUIVALENT),
    ("helm rollback web 2", "helm rollback web 1", "arguments"),
    ("helm template web bitnami/nginx", "helm install web bitnami/nginx", "a different command"),
    # --- etcdctl ---------------------------------------------------------------------------------
    ("ETCDCTL_API=3 etcdctl snapshot save /opt/snap.db --endpoints=https://127.0.0.1:2379 "
     "--cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/server.crt "
     "--key=/etc/kubernetes/pki/etcd/server.key",
     "etcdctl --endpoints https://127.0.0.1:2379 --cert /etc/kubernetes/pki/etcd/server.crt "
     "--key /etc/kubernetes/pki/etcd/server.key --cacert /etc/kubernetes/pki/etcd/ca.crt "
     "snapshot save /opt/snap.db", EQUIVALENT),
    ("etcdctl snapshot save /opt/snap.db --cacert=ca.crt --cert=s.crt --key=s.key",
     "etcdctl snapshot save /opt/snap.db --cert=s.crt --key=s.key",
     "--cacert=ca.crt is missing"),
    ("etcdctl snapshot save /opt/snap.db", "etcdctl snapshot save /tmp/snap.db", "arguments"),
    ("etcdctl snapshot restore /opt/snap.db --data-dir=/var/lib/etcd-new",
     "etcdctl snapshot restore --data-dir /var/lib/etcd-new /opt/snap.db", EQUIVALENT),
    ("etcdctl snapshot status /opt/snap.db -w table",
     "etcdctl snapshot status /opt/snap.db --write-out=table", EQUIVALENT),
    ("etcdctl member list", "ETCDCTL_API=3 etcdctl member list", EQUIVALENT),
    ("etcdctl snapshot save /opt/s.db --cacert=ca.crt --cert=s.crt --key=s.key",
     "ETCDCTL_CACERT=ca.crt ETCDCTL_CERT=s.crt ETCDCTL_KEY=s.key etcdctl snapshot save /opt/s.db",
     EQUIVALENT),
    ("etcdctl endpoint health", "etcdctl endpoint status", "a different command"),
    ("etcdutl snapshot restore /opt/snap.db --data-dir=/var/lib/etcd-new",
     "etcdutl snapshot restore /opt/snap.db --data-dir /var/lib/etcd-new", EQUIVALENT),
    # --- crictl ----------------------------------------------------------------------------------
    ("crictl ps -a", "crictl ps --all", EQUIVALENT),
    ("crictl ps", "crictl ps -a", "--all is not asked for"),
    ("crictl pods", "sudo crictl pods", EQUIVALENT),
    ("crictl images", "crictl img", EQUIVALENT),
    ("crictl logs abc123", "crictl logs abc123", EQUIVALENT),
    ("crictl pull nginx", "crictl pull docker.io/library/nginx:latest", EQUIVALENT),
    ("crictl inspect abc123", "crictl inspectp abc123", "a different command"),
    # --- docker ----------------------------------------------------------------------------------
    ("docker ps -a", "docker container ls --all", EQUIVALENT),
    ("docker images", "docker image ls", EQUIVALENT),
    ("docker run -d -p 8080:80 --name web nginx",
     "docker container run --name=web -p 8080:80 -d nginx:latest", EQUIVALENT),
    ("docker run -d -p 8080:80 --name web nginx", "docker run -d -p 8081:80 --name web nginx",
     "--publish: missing 8080:80"),
    ("docker run -d -e A=1 -e B=2 nginx", "docker run -d -e B=2 -e A=1 nginx", EQUIVALENT),
    ("docker run -it busybox sh", "docker run -ti busybox sh", EQUIVALENT),
    ("docker build -t web:1.0 .", "docker build --tag web:1.0 .", EQUIVALENT),
    ("docker build -t web:1.0 .", "docker image build -t web:1.0 .", EQUIVALENT),
    ("docker build -t web:1.0 .", "docker build -t web:2.0 .", "--tag: missing web:1.0"),
    ("docker pull nginx", "docker pull nginx:latest", EQUIVALENT),
    ("docker exec -it web sh", "docker container exec -ti web sh", EQUIVALENT),
    ("docker logs -f web", "docker logs --follow web", EQUIVALENT),
    ("docker rm -f web", "docker rm --force web", EQUIVALENT),
    ("docker stop web", "docker kill web", "a different command"),
    # --- typography: an input method's full-width characters, a blog's quotes and dashes -----
    ("kubectl get pods -n kube-system", "kubectl　get　pods　－n　kube-system", EQUIVALENT),
    ("kubectl run web --image=nginx --labels='app=web'",
     "kubectl run web —image=nginx --labels=\u2018app=web\u2019", EQUIVALENT),
    # --- what the shell does before kubectl runs ------------------------------------------------
    ("kubectl delete pod web1 web2 web3", "kubectl delete po web{1..3}", EQUIVALENT),
    ("kubectl label pods a b tier-", "kubectl label po {a,b} tier-", EQUIVALENT),
    ("kubectl delete pod web1 web2", "kubectl delete po web{1..3}", "the object"),
    ("kubectl apply -f pod.yaml", "cat pod.yaml | kubectl apply -f -", "--filename"),
    ("cat pod.yaml | kubectl apply -f -", "cat pod.yaml|kubectl apply --filename=-", EQUIVALENT),
    ("kubectl run t --image=busybox --restart=Never -- sh -c 'sleep 3600'",
     "kubectl run t --image=busybox --restart=Never -- sleep 3600", EQUIVALENT),
    ("kubectl run t --image=busybox --restart=Never -- sh -c 'sleep 10; date'",
     "kubectl run t --image=busybox --restart=Never -- sleep 10", "the command to run"),
    ("kubectl delete pod web --now", "kubectl delete pod web --grace-period=1", EQUIVALENT),
    ("kubectl run t --image=busybox -- echo 'hello world'",
     "kubectl run t --image=busybox -- /bin/sh -c 'echo hello world'", EQUIVALENT),
    ("kubectl run t --image=busybox -- echo hello", "kubectl run t --image=busybox -- echo hi",
     "the command to run is echo hi, expected echo hello"),
    ("kubectl get pods -l 'app in (web)'", "kubectl get pods -l app=web", EQUIVALENT),
    ("kubectl get pods -l 'app notin (web)'", "kubectl get pods -l app!=web", EQUIVALENT),
    ("kubectl get pods -l 'app in (web,api)'", "kubectl get pods -l app=web", "--selector"),
    # --- different tools ----------------------------------------------------------------------
    ("kubectl get pods", "crictl pods", "a different command: crictl pods, expected kubectl get"),
    ("docker ps", "crictl ps", "a different command"),
]


@pytest.mark.parametrize(("expected", "given", "told"), PAIRS,
                         ids=[f"{i}" for i in range(len(PAIRS))])
def test_pairs(expected, given, told):
    verdict = compare(expected, given)
    message = verdict.message("en")
    if told == EQUIVALENT:
        assert verdict.equivalent, message
        assert message == "equivalent"
    else:
        assert not verdict.equivalent
        assert told in message, message
    # the verdict does not depend on which side is the reference
    if verdict.error is None:
        assert compare(given, expected).equivalent == verdict.equivalent


def test_the_table_is_large_and_balanced():
    same = sum(1 for *_, t in PAIRS if t == EQUIVALENT)
    assert len(PAIRS) >= 150
    assert same >= 60 and len(PAIRS) - same >= 60


def test_the_issue_example_word_for_word():
    v = compare("kubectl get pods -n kube-system", "kubectl get pods -n default")
    assert v.message("en") == "same command, except: namespace is default, expected kube-system"
    assert v.message("zh") == "命令相同，只是：命名空间是 default，应为 kube-system"


def test_chinese_messages_for_sets_and_missing_flags():
    v = compare("kubectl create cm c --from-literal=a=1 --dry-run=client -o yaml",
                "kubectl create cm c --from-literal=a=2")
    zh = v.message("zh")
    assert "缺少 --dry-run=client" in zh
    assert "--from-literal：缺少 a=1，多了 a=2" in zh


def test_defaults_given_explicitly_are_accepted_with_a_note():
    v = compare("kubectl create deployment web --image=nginx",
                "kubectl create deployment web --image=nginx --replicas=1")
    assert v.equivalent
    assert v.note_messages("en") == ["--replicas=1 is the default here and can be left out"]


def test_bare_dry_run_is_accepted_with_a_deprecation_note():
    v = compare("kubectl run p --image=nginx --dry-run=client -o yaml",
                "kubectl run p --image=nginx --dry-run -o yaml")
    assert v.equivalent
    assert "deprecated" in v.note_messages("en")[0]
    assert "已弃用" in v.note_messages("zh")[0]


# --- errors a learner can read ------------------------------------------------------------------


@pytest.mark.parametrize(("text", "code"), [
    ("", "empty"),
    ("   ", "empty"),
    ("kubectl get pods -l 'app=web", "quotes"),
    ("kubecttl get pods", "unknown_tool"),
    ("kubectl gett pods", "unknown_command"),
    ("kubectl", "no_command"),
    ("kubectl get pods --bogus", "unknown_flag"),
    ("kubectl get pods -n", "needs_value"),
    ("kubectl scale deploy web --replicas=three", "bad_int"),
    ("kubectl get pods --watch=maybe", "bad_bool"),
    ("kubectl get " + "x" * 5000, "too_long"),
])
def test_unreadable_commands(text, code):
    with pytest.raises(CommandError) as exc:
        parse(text)
    assert exc.value.code == code
    assert exc.value.message("zh") != exc.value.message("en")


def test_an_unreadable_answer_is_a_verdict_not_an_exception():
    v = compare("kubectl get pods", "kubectl get pods --bogus")
    assert not v.equivalent
    assert v.message("en") == "kubectl get has no flag --bogus"
    assert v.message("zh") == "kubectl get 没有 --bogus 这个参数"


def test_prompt_comment_and_continuation_lines():
    assert compare("kubectl get pods -A",
                   "# list everything\n$ kubectl get pods \\\n    --all-namespaces").equivalent


# --- the table of resources: read from the generated data ---------------------------------------


@pytest.mark.parametrize(("typed", "canon"), [
    ("po", "pods"), ("Pod", "pods"), ("deploy", "deployments"), ("deployment.apps", "deployments"),
    ("deployments.v1.apps", "deployments"), ("svc", "services"), ("ns", "namespaces"),
    ("cm", "configmaps"), ("pvc", "persistentvolumeclaims"), ("sts", "statefulsets"),
    ("ds", "daemonsets"), ("cj", "cronjobs"), ("ev", "events"), ("hpa", "horizontalpodautoscalers"),
    ("virtualservices", "virtualservices"),  # a CRD: kept as typed
])
def test_resource_names(typed, canon):
    assert resource(typed) == canon


@pytest.mark.parametrize(("ref", "canon"), [
    ("nginx", "docker.io/library/nginx:latest"),
    ("nginx:1.25", "docker.io/library/nginx:1.25"),
    ("bitnami/nginx", "docker.io/bitnami/nginx:latest"),
    ("registry.k8s.io/pause:3.10", "registry.k8s.io/pause:3.10"),
    ("localhost:5000/app", "localhost:5000/app:latest"),
    ("nginx@sha256:abc", "docker.io/library/nginx@sha256:abc"),
])
def test_image_references(ref, canon):
    assert image(ref) == canon


# --- properties: flag order and `=` forms never change the verdict ------------------------------

# Every flag written with `=` (or a boolean): the variants split some of them. With each base,
# how many words name the command (flags go after them: kubectl's own flags cannot precede the
# verb) and whether flags may also follow the other positionals (not after docker run's IMAGE).
BASES = [
    ("kubectl create deployment web --image=nginx:1.25 --replicas=3 --port=80 -n=dev "
     "--dry-run=client -o=yaml", 3, True),
    ("kubectl run web --image=nginx --restart=Never --labels=app=web --env=A=1 "
     "--namespace=dev", 2, True),
    ("kubectl get pods --namespace=kube-system --output=wide -l=app=web --show-labels", 2, True),
    ("kubectl expose deployment web --port=80 --target-port=8080 --type=NodePort -n=dev",
     2, True),
    ("kubectl create configmap cfg --from-literal=a=1 --from-literal=b=2 --namespace=dev",
     3, True),
    ("kubectl logs web --container=app --tail=20 --previous -n=dev", 2, True),
    ("helm install web bitnami/nginx --namespace=web --create-namespace --set=a=1 "
     "--version=1.0.0", 2, True),
    ("etcdctl snapshot save /opt/s.db --endpoints=https://127.0.0.1:2379 --cacert=ca.crt "
     "--cert=s.crt --key=s.key", 3, True),
    ("docker run -d --name=web -p=8080:80 -e=A=1 nginx", 2, False),
]


def _split_flags(cmd: str) -> tuple[list[str], list[str]]:
    """Positional words and flags (each with its `=value`)."""
    words = shlex.split(cmd)
    return [w for w in words if not w.startswith("-")], [w for w in words if w.startswith("-")]


def _variant(base: tuple, order: list[int], spaced: list[bool], extra: int,
             cmd: str | None = None) -> str:
    text, n_cmd, movable = base
    pos, flags = _split_flags(cmd or text)
    out_flags = []
    for i, space in zip(order, spaced + [False] * len(order), strict=False):
        w = flags[i]
        if space and "=" in w:
            name, _, value = w.partition("=")
            out_flags += [name, value]
        else:
            out_flags.append(w)
    cut = n_cmd + (extra if movable else 0)
    words = pos[:cut] + out_flags + pos[cut:]
    return " ".join(shlex.quote(w) for w in words)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(BASES), st.randoms(use_true_random=False),
       st.lists(st.booleans(), min_size=10, max_size=10), st.integers(0, 3))
def test_flag_order_and_equals_forms_never_change_the_verdict(base, rnd, spaced, extra):
    _, flags = _split_flags(base[0])
    order = list(range(len(flags)))
    rnd.shuffle(order)
    variant = _variant(base, order, spaced, extra)
    verdict = compare(base[0], variant)
    assert verdict.equivalent, (base[0], variant, verdict.message())


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(BASES), st.randoms(use_true_random=False),
       st.lists(st.booleans(), min_size=10, max_size=10))
def test_a_changed_value_is_always_named(base, rnd, spaced):
    """Reordering never hides a real change: alter one flag's value, and it is reported."""
    _, flags = _split_flags(base[0])
    valued = [f for f in flags if "=" in f and not f.startswith(("--dry-run", "-o"))]
    flag = rnd.choice(valued)
    changed = base[0].replace(flag, flag + "9", 1)
    order = list(range(len(flags)))
    rnd.shuffle(order)
    variant = _variant(base, order, spaced, 1, cmd=changed)
    verdict = compare(base[0], variant)
    assert not verdict.equivalent, (base[0], variant)
    assert verdict.differences and not verdict.other_command


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("kubectl get po-n=A/ '\"|{}.,:$#\\\n1")),
               max_size=60))
def test_any_text_parses_or_fails_with_a_command_error(text):
    try:
        cmd = parse("kubectl " + text)
    except CommandError as exc:
        assert exc.message("en") and exc.message("zh")
    else:
        assert compare(cmd, cmd).equivalent


def _reordered(cmd: str, rnd, spaced: list[bool]) -> str | None:
    """``cmd`` with its flags shuffled and some `--flag=value` split (or joined), using the
    tool's own flag table; None when the command has no flags to move."""
    import sys

    from studyk8s.config import ROOT

    sys.path.insert(0, str(ROOT / "tools"))
    import handson_agreement as agree

    got = agree._tokens(cmd)
    if got is None:
        return None
    words, tail, env = got
    parsed = parse(cmd)
    path = " ".join(parsed.path)
    if parsed.tool == "kubectl":
        from studyk8s.quiz.handson.commands.tables import kubectl_flags
        flags = kubectl_flags(path)
    else:
        from studyk8s.quiz.handson.commands import TOOLS
        spec = TOOLS[parsed.tool]
        flags = {**spec["flags"], **spec.get("command_flags", {}).get(path, {})}
    if (parsed.tool, path) in (("docker", "run"), ("docker", "exec"), ("crictl", "exec")):
        return None  # flags after IMAGE/CONTAINER belong to the container's command
    pos, groups, after = agree._groups(words[1:], flags)
    if len(groups) < 2:
        return None
    rnd.shuffle(groups)
    for g, split in zip(groups, spaced, strict=False):
        if split and len(g) == 1 and g[0].startswith("--") and "=" in g[0] \
                and not g[0].startswith("--dry-run"):
            name, _, value = g[0].partition("=")
            f = flags.get(name[2:])
            if f is not None and f.type != "bool":
                g[:] = [name, value]
    n_cmd = 1 + len(parsed.path)
    text = agree._join([words[0], *pos], groups, after, tail, n_cmd)
    return f"{env} {text}" if env else text


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PAIRS), st.randoms(use_true_random=False),
       st.lists(st.booleans(), min_size=8, max_size=8))
def test_reordering_a_table_answer_never_changes_its_verdict(pair, rnd, spaced):
    """Every pair of the table again, with the answer's flags shuffled and split: the verdict
    (equivalent or not) stays the same."""
    expected, given_text, told = pair
    variant = _reordered(given_text, rnd, spaced)
    if variant is None:
        return
    assert compare(expected, variant).equivalent == compare(expected, given_text).equivalent, \
        (given_text, variant)
