#!/usr/bin/env python3
"""Writes a synthetic corpus for bench/run.sh: N files of varied, realistic manifests.

Usage: bench/synth.py DIR [FILES]   (default 1000 files)

Deterministic (fixed seed), so runs are comparable. The mix is roughly that of real
repositories: workloads with Services, ConfigMaps, RBAC, NetworkPolicies, some multi-document
files, namespaces shared by several apps, and some identical vendored copies.
"""
import os
import random
import sys


def deployment(rng, app, ns):
    kind = rng.choice(["Deployment", "Deployment", "StatefulSet", "DaemonSet"])
    containers = []
    for c in range(rng.randint(1, 3)):
        env = "".join(
            f"""
        - name: VAR_{i}
          value: "v{i}\"""" for i in range(rng.randint(0, 6)))
        probe = """
        livenessProbe:
          httpGet: {path: /healthz, port: 8080}
        readinessProbe:
          tcpSocket: {port: 8080}""" if rng.random() < 0.6 else ""
        sc = """
        securityContext:
          runAsNonRoot: true
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities: {drop: [ALL]}""" if rng.random() < 0.5 else ""
        res = """
        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {cpu: 500m, memory: 256Mi}""" if rng.random() < 0.5 else ""
        tag = rng.choice([":1.2.3", ":latest", "", "@sha256:" + "a" * 64])
        containers.append(f"""
      - name: {app}-{c}
        image: registry.example.com/team/{app}{tag}
        ports:
        - containerPort: {8080 + c}{env and chr(10) + '        env:' + env}{probe}{sc}{res}""")
    replicas = "" if kind == "DaemonSet" else f"\n  replicas: {rng.randint(1, 4)}"
    return f"""apiVersion: apps/v1
kind: {kind}
metadata:
  name: {app}
  namespace: {ns}
  labels: {{app.kubernetes.io/name: {app}, app.kubernetes.io/instance: {app}}}
spec:{replicas}
  selector:
    matchLabels: {{app: {app}}}
  template:
    metadata:
      labels: {{app: {app}}}
    spec:
      serviceAccountName: {app}
      containers:{''.join(containers)}
"""


def service(rng, app, ns):
    t = rng.choice(["ClusterIP", "ClusterIP", "NodePort", "LoadBalancer"])
    sel = app if rng.random() < 0.9 else app + "-gone"
    return f"""apiVersion: v1
kind: Service
metadata: {{name: {app}, namespace: {ns}}}
spec:
  type: {t}
  selector: {{app: {sel}}}
  ports:
  - port: 80
    targetPort: 8080
"""


def configmap(rng, app, ns):
    data = "".join(f"\n  key{i}: value-{i}-{rng.randint(0, 1 << 20)}" for i in range(rng.randint(1, 20)))
    return f"""apiVersion: v1
kind: ConfigMap
metadata: {{name: {app}-config, namespace: {ns}}}
data:{data}
"""


def rbac(rng, app, ns):
    verbs = rng.choice(['["get", "list", "watch"]', '["*"]', '["create", "update"]'])
    res = rng.choice(['["pods"]', '["secrets"]', '["configmaps", "services"]', '["*"]'])
    return f"""apiVersion: v1
kind: ServiceAccount
metadata: {{name: {app}, namespace: {ns}}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {{name: {app}, namespace: {ns}}}
rules:
- apiGroups: [""]
  resources: {res}
  verbs: {verbs}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: {app}, namespace: {ns}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: {app}}}
subjects:
- {{kind: ServiceAccount, name: {app}, namespace: {ns}}}
"""


def netpol(rng, app, ns):
    return f"""apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: {app}, namespace: {ns}}}
spec:
  podSelector:
    matchLabels: {{app: {app}}}
  policyTypes: [Ingress]
  ingress:
  - from:
    - podSelector: {{matchLabels: {{role: frontend}}}}
"""


def main():
    out = sys.argv[1]
    files = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    rng = random.Random(8)
    namespaces = [f"team-{i}" for i in range(max(1, files // 40))]
    os.makedirs(out, exist_ok=True)
    written = []
    for i in range(files):
        app = f"app{i}"
        ns = rng.choice(namespaces)
        if written and rng.random() < 0.1:
            text = rng.choice(written)  # a vendored copy
        else:
            parts = [deployment(rng, app, ns)]
            for make, p in ((service, 0.7), (configmap, 0.4), (rbac, 0.3), (netpol, 0.3)):
                if rng.random() < p:
                    parts.append(make(rng, app, ns))
            if rng.random() < 0.5:
                text = "---\n".join(parts)
            else:
                text = parts[0]
                for j, extra in enumerate(parts[1:]):
                    with open(os.path.join(out, f"{app}-{j}.yaml"), "w") as f:
                        f.write(extra)
        written.append(text)
        with open(os.path.join(out, f"{app}.yaml"), "w") as f:
            f.write(text)
    for ns in namespaces:
        with open(os.path.join(out, f"ns-{ns}.yaml"), "w") as f:
            f.write(f"apiVersion: v1\nkind: Namespace\nmetadata: {{name: {ns}}}\n")


if __name__ == "__main__":
    main()
