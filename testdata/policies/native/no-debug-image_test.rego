package team.no_debug_image_test

import rego.v1
import data.team.no_debug_image

test_debug_image_denied if {
	count(no_debug_image.deny) == 1 with input as {
		"kind": "Pod",
		"metadata": {"name": "p"},
		"spec": {"containers": [{"name": "a", "image": "shop:debug"}]},
	}
}

test_release_image_allowed if {
	count(no_debug_image.deny) == 0 with input as {
		"kind": "Pod",
		"metadata": {"name": "p"},
		"spec": {"containers": [{"name": "a", "image": "shop:1.2"}]},
	}
}
