{{/* The labels of every object (src/render/operator.ts LABELS). */}}
{{- define "kafkaplane-operator.labels" -}}
app.kubernetes.io/name: kafkaplane-operator
app.kubernetes.io/part-of: kafkaplane
app.kubernetes.io/component: operator
{{- end -}}

{{/* The verbs on what the operator manages. */}}
{{- define "kafkaplane-operator.allVerbs" -}}
[get, list, watch, create, update, patch, delete]
{{- end -}}

{{/* What the controllers touch in the watched namespaces (src/render/operator.ts NAMESPACED_RULES). */}}
{{- define "kafkaplane-operator.namespacedRules" -}}
- apiGroups: [kafkaplane.io]
  resources: [kafkaclusters, kafkatopics, kafkausers]
  verbs: [get, list, watch, patch, update]
- apiGroups: [kafkaplane.io]
  resources: [kafkaclusters/status, kafkatopics/status, kafkausers/status]
  verbs: [get, patch, update]
- apiGroups: [kafkaplane.io]
  resources: [kafkaclusters/finalizers, kafkatopics/finalizers, kafkausers/finalizers]
  verbs: [update]
- apiGroups: [""]
  resources: [configmaps, secrets, services, serviceaccounts, persistentvolumeclaims]
  verbs: {{ include "kafkaplane-operator.allVerbs" . }}
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list, watch, delete]
- apiGroups: [""]
  resources: [events]
  verbs: [create, patch]
- apiGroups: [apps]
  resources: [statefulsets, deployments]
  verbs: {{ include "kafkaplane-operator.allVerbs" . }}
- apiGroups: [batch]
  resources: [jobs]
  verbs: {{ include "kafkaplane-operator.allVerbs" . }}
- apiGroups: [policy]
  resources: [poddisruptionbudgets]
  verbs: {{ include "kafkaplane-operator.allVerbs" . }}
- apiGroups: [networking.k8s.io]
  resources: [networkpolicies]
  verbs: {{ include "kafkaplane-operator.allVerbs" . }}
- apiGroups: [monitoring.coreos.com]
  resources: [podmonitors, prometheusrules]
  verbs: {{ include "kafkaplane-operator.allVerbs" . }}
{{- end -}}

{{/* The watched namespace: watchNamespace, else the release namespace. */}}
{{- define "kafkaplane-operator.watchNamespace" -}}
{{- default .Release.Namespace .Values.watchNamespace -}}
{{- end -}}
