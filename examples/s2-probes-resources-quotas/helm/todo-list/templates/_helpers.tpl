{{/* Labels on every object of the release: `kubectl get all -l app.kubernetes.io/instance=todo-list` finds them. */}}
{{- define "todo-list.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
kiamol: ch12
{{- end -}}
