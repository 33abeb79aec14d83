using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.AdmissionRegistration;
using Axolotl.Api.Apiextensions;
using Axolotl.Api.ApiRegistration;
using Axolotl.Api.Apps;
using Axolotl.Api.Authentication;
using Axolotl.Api.Authorization;
using Axolotl.Api.Batch;
using Axolotl.Api.Certificates;
using Axolotl.Api.Coordination;
using Axolotl.Api.Core;
using Axolotl.Api.Discovery;
using Axolotl.Api.FlowControl;
using Axolotl.Api.Meta;
using Axolotl.Api.Metrics;
using Axolotl.Api.Networking;
using Axolotl.Api.Policy;
using Axolotl.Api.Rbac;
using Axolotl.Api.Scheduling;
using Axolotl.Api.Storage;

namespace Axolotl.Api.Serialization;

/// <summary>
/// Compile-time JSON metadata for the kinds the server serves (<see cref="Scheme.KnownResources"/>) and the objects
/// its request path reads and writes beside them; <see cref="KubeJson.Options"/> asks it first and falls back to
/// reflection for any other type. Its options are KubeJson's, so a type reads and writes the same either way.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowTrailingCommas = false,
    NumberHandling = JsonNumberHandling.Strict,
    MaxDepth = 128,
    Converters = [typeof(KubeTimeConverter)])]
// core/v1
[JsonSerializable(typeof(Namespace))]
[JsonSerializable(typeof(Pod))]
[JsonSerializable(typeof(Node))]
[JsonSerializable(typeof(Service))]
[JsonSerializable(typeof(Endpoints))]
[JsonSerializable(typeof(Core.Event), TypeInfoPropertyName = "CoreEvent")]
[JsonSerializable(typeof(ConfigMap))]
[JsonSerializable(typeof(Secret))]
[JsonSerializable(typeof(ServiceAccount))]
[JsonSerializable(typeof(ResourceQuota))]
[JsonSerializable(typeof(LimitRange))]
[JsonSerializable(typeof(ReplicationController))]
[JsonSerializable(typeof(PersistentVolumeClaim))]
[JsonSerializable(typeof(PersistentVolume))]
[JsonSerializable(typeof(Binding))]
// apps, batch, autoscaling
[JsonSerializable(typeof(Deployment))]
[JsonSerializable(typeof(ReplicaSet))]
[JsonSerializable(typeof(DaemonSet))]
[JsonSerializable(typeof(StatefulSet))]
[JsonSerializable(typeof(ControllerRevision))]
[JsonSerializable(typeof(Job))]
[JsonSerializable(typeof(CronJob))]
[JsonSerializable(typeof(Autoscaling.HorizontalPodAutoscaler), TypeInfoPropertyName = "HorizontalPodAutoscalerV2")]
[JsonSerializable(typeof(Autoscaling.V1.HorizontalPodAutoscaler), TypeInfoPropertyName = "HorizontalPodAutoscalerV1")]
[JsonSerializable(typeof(Autoscaling.Scale))]
// the other groups
[JsonSerializable(typeof(EndpointSlice))]
[JsonSerializable(typeof(Lease))]
[JsonSerializable(typeof(PodDisruptionBudget))]
[JsonSerializable(typeof(Eviction))]
[JsonSerializable(typeof(Events.Event), TypeInfoPropertyName = "EventsEvent")]
[JsonSerializable(typeof(CertificateSigningRequest))]
[JsonSerializable(typeof(StorageClass))]
[JsonSerializable(typeof(PriorityClass))]
[JsonSerializable(typeof(Ingress))]
[JsonSerializable(typeof(IngressClass))]
[JsonSerializable(typeof(NetworkPolicy))]
[JsonSerializable(typeof(FlowSchema))]
[JsonSerializable(typeof(PriorityLevelConfiguration))]
[JsonSerializable(typeof(CustomResourceDefinition))]
[JsonSerializable(typeof(MutatingWebhookConfiguration))]
[JsonSerializable(typeof(ValidatingWebhookConfiguration))]
[JsonSerializable(typeof(ValidatingAdmissionPolicy))]
[JsonSerializable(typeof(ValidatingAdmissionPolicyBinding))]
[JsonSerializable(typeof(APIService))]
[JsonSerializable(typeof(ClusterRoleBinding))]
[JsonSerializable(typeof(ClusterRole))]
[JsonSerializable(typeof(RoleBinding))]
[JsonSerializable(typeof(Role))]
[JsonSerializable(typeof(TokenReview))]
[JsonSerializable(typeof(SelfSubjectReview))]
[JsonSerializable(typeof(LocalSubjectAccessReview))]
[JsonSerializable(typeof(SelfSubjectAccessReview))]
[JsonSerializable(typeof(SelfSubjectRulesReview))]
[JsonSerializable(typeof(SubjectAccessReview))]
[JsonSerializable(typeof(NodeMetrics))]
[JsonSerializable(typeof(PodMetrics))]
// meta/v1
[JsonSerializable(typeof(Status))]
[JsonSerializable(typeof(DeleteOptions))]
[JsonSerializable(typeof(JsonElement))]
// Types of the same name in two groups, each given its own property name.
[JsonSerializable(typeof(Core.EndpointPort), TypeInfoPropertyName = "CoreEndpointPort")]
[JsonSerializable(typeof(List<Core.EndpointPort>), TypeInfoPropertyName = "ListCoreEndpointPort")]
[JsonSerializable(typeof(Discovery.EndpointPort), TypeInfoPropertyName = "DiscoveryEndpointPort")]
[JsonSerializable(typeof(List<Discovery.EndpointPort>), TypeInfoPropertyName = "ListDiscoveryEndpointPort")]
[JsonSerializable(typeof(Core.EventSeries), TypeInfoPropertyName = "CoreEventSeries")]
[JsonSerializable(typeof(Events.EventSeries), TypeInfoPropertyName = "EventsEventSeries")]
[JsonSerializable(typeof(Autoscaling.HorizontalPodAutoscalerSpec), TypeInfoPropertyName = "HorizontalPodAutoscalerSpecV2")]
[JsonSerializable(typeof(Autoscaling.V1.HorizontalPodAutoscalerSpec), TypeInfoPropertyName = "HorizontalPodAutoscalerSpecV1")]
[JsonSerializable(typeof(Autoscaling.HorizontalPodAutoscalerStatus), TypeInfoPropertyName = "HorizontalPodAutoscalerStatusV2")]
[JsonSerializable(typeof(Autoscaling.V1.HorizontalPodAutoscalerStatus), TypeInfoPropertyName = "HorizontalPodAutoscalerStatusV1")]
[JsonSerializable(typeof(AdmissionRegistration.ServiceReference), TypeInfoPropertyName = "AdmissionServiceReference")]
[JsonSerializable(typeof(ApiRegistration.ServiceReference), TypeInfoPropertyName = "ApiRegistrationServiceReference")]
[JsonSerializable(typeof(FlowControl.Subject), TypeInfoPropertyName = "FlowControlSubject")]
[JsonSerializable(typeof(List<FlowControl.Subject>), TypeInfoPropertyName = "ListFlowControlSubject")]
[JsonSerializable(typeof(Rbac.Subject), TypeInfoPropertyName = "RbacSubject")]
[JsonSerializable(typeof(List<Rbac.Subject>), TypeInfoPropertyName = "ListRbacSubject")]
internal sealed partial class KubeJsonContext : JsonSerializerContext;
