package main

test_missing_owner_denied {
	deny["Deployment api must have the label owner"] with input as {
		"kind": "Deployment",
		"metadata": {"name": "api", "labels": {"app.kubernetes.io/name": "api"}},
	}
}

test_labelled_deployment_allowed {
	count(deny) == 0 with input as {
		"kind": "Deployment",
		"metadata": {"name": "api", "labels": {"app.kubernetes.io/name": "api", "owner": "shop"}},
	}
}

test_approved_nodeport_excepted {
	exception[["nodeport"]] with input as {
		"kind": "Service",
		"metadata": {"name": "s", "annotations": {"example.com/nodeport-approved": "true"}},
		"spec": {"type": "NodePort"},
	}
}
