using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using InfraGrpc.Domain.Values;

namespace InfraGrpc.Domain.Provisioners;

/// <summary>
/// Deterministic outputs of the simulated cloud: the same project, kind and name always get the same IDs,
/// and every output the built-in charts reference exists for its kind.
/// </summary>
public static class SimulatedOutputs
{
    public static Dictionary<string, object?> For(string seed, string kind, string name, IReadOnlyDictionary<string, object?> spec)
    {
        string Id(string prefix, int length = 12) =>
            prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed + "/" + prefix)))[..length];
        var region = spec.GetValueOrDefault("region") as string ?? "us-east-1";
        var account = "123456789012";
        var outputs = new Dictionary<string, object?>(StringComparer.Ordinal) { ["id"] = Id("id-"), ["name"] = name };

        void Add(params (string Key, object? Value)[] values)
        {
            foreach (var (key, value) in values)
            {
                outputs[key] = value;
            }
        }

        switch (kind)
        {
            case "AwsVpc":
                var zones = spec.GetValueOrDefault("availabilityZones") as IReadOnlyList<object?> ?? ["a", "b"];
                List<object?> Subnets(string tier) => zones.Select((zone, i) => (object?)new Dictionary<string, object?>
                {
                    ["id"] = Id($"subnet-{tier}{i.ToString(CultureInfo.InvariantCulture)}-", 17),
                    ["availabilityZone"] = ValueTree.ToDisplayString(zone),
                }).ToList();
                Add(("vpcId", Id("vpc-", 17)), ("publicSubnets", Subnets("public")), ("privateSubnets", Subnets("private")));
                break;
            case "AwsSecurityGroup":
                Add(("securityGroupId", Id("sg-", 17)));
                break;
            case "AwsRoute53Zone":
                Add(("zoneId", "Z" + Id(string.Empty, 13).ToUpperInvariant()), ("nameServers", new List<object?> { "ns-1.awsdns-01.org", "ns-2.awsdns-02.com" }));
                break;
            case "AwsCertManagerCert":
                Add(("certArn", $"arn:aws:acm:{region}:{account}:certificate/{Id(string.Empty, 32)}"));
                break;
            case "AwsAlb":
                Add(("loadBalancerArn", $"arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/app/{name}/{Id(string.Empty, 16)}"), ("loadBalancerDnsName", $"{name}-{Id(string.Empty, 8)}.{region}.elb.amazonaws.com"));
                break;
            case "AwsEcsCluster":
                Add(("clusterArn", $"arn:aws:ecs:{region}:{account}:cluster/{name}"), ("clusterName", name));
                break;
            case "AwsEcrRepo":
                Add(("repositoryUrl", $"{account}.dkr.ecr.{region}.amazonaws.com/{spec.GetValueOrDefault("repositoryName") ?? name}"));
                break;
            case "AwsIamRole":
                Add(("roleArn", $"arn:aws:iam::{account}:role/{name}"));
                break;
            case "AwsEcsService":
                Add(("serviceArn", $"arn:aws:ecs:{region}:{account}:service/{name}"));
                break;
            case "AwsEksCluster":
                Add(("clusterName", name), ("clusterArn", $"arn:aws:eks:{region}:{account}:cluster/{name}"), ("endpoint", $"https://{Id(string.Empty, 32).ToUpperInvariant()}.gr7.{region}.eks.amazonaws.com"));
                break;
            case "AwsEksNodeGroup":
                Add(("nodeGroupName", name));
                break;
            case "AwsS3Bucket":
                Add(("bucketName", name), ("bucketRegionalDomainName", $"{name}.s3.{region}.amazonaws.com"));
                break;
            case "AwsCloudFront":
                Add(("distributionId", "E" + Id(string.Empty, 13).ToUpperInvariant()), ("domainName", $"d{Id(string.Empty, 13)}.cloudfront.net"));
                break;
            case "AwsRoute53DnsRecord":
                Add(("fqdn", spec.GetValueOrDefault("name") as string ?? name));
                break;
            case "GcpVpc":
                Add(("networkSelfLink", $"projects/{spec.GetValueOrDefault("projectId")}/global/networks/{name}"));
                break;
            case "GcpSubnetwork":
                Add(("subnetworkName", name), ("subnetworkSelfLink", $"projects/{spec.GetValueOrDefault("projectId")}/regions/{region}/subnetworks/{name}"));
                break;
            case "GcpServerlessVpcConnector":
                Add(("connectorId", $"projects/{spec.GetValueOrDefault("projectId")}/locations/{region}/connectors/{name}"));
                break;
            case "GcpCloudSql":
                Add(("connectionName", $"{spec.GetValueOrDefault("projectId")}:{region}:{name}"), ("privateIp", "10.10.0." + (SHA256.HashData(Encoding.UTF8.GetBytes(seed))[0] % 200 + 10).ToString(CultureInfo.InvariantCulture)));
                break;
            case "GcpRedisInstance" or "KubernetesRedis":
                Add(("host", $"{name}.{Id(string.Empty, 6)}.internal"), ("port", 6379L));
                break;
            case "GcpArtifactRegistryRepo":
                Add(("repoUrl", $"{region}-docker.pkg.dev/{spec.GetValueOrDefault("projectId")}/{name}"));
                break;
            case "GcpCloudRun":
                Add(("serviceName", name), ("url", $"https://{name}-{Id(string.Empty, 10)}-uc.a.run.app"));
                break;
            case "GcpDnsZone":
                Add(("zoneName", name));
                break;
            case "KubernetesNamespace":
                Add(("namespace", name));
                break;
            case "KubernetesPostgres":
                Add(("host", $"{name}.svc.cluster.local"), ("port", 5432L), ("passwordSecretName", $"{name}-password"));
                break;
            case "KubernetesDeployment":
                Add(("serviceName", name), ("host", $"{name}.svc.cluster.local"));
                break;
            case "CivoVpc":
                Add(("networkId", Id(string.Empty, 32)));
                break;
        }

        return outputs;
    }
}
