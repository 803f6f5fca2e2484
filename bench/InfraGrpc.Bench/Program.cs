using InfraGrpc.Bench;

return args.FirstOrDefault() switch
{
    "engine" => await EngineBench.RunAsync(),
    "latency" => await LatencyBench.RunAsync(),
    "fanout" => await FanoutBench.RunAsync(),
    "unary" => await UnaryBench.RunAsync(),
    "create" => await CreateBench.RunAsync(),
    "search" => await SearchBench.RunAsync(),
    "postgres" => await PostgresBench.RunAsync(),
    "replicas" => await ReplicaBench.RunAsync(),
    "render" => RenderBench.Run(args.Length > 1 ? args[1] : null),
    "telemetry" => await TelemetryBench.RunAsync(),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: InfraGrpc.Bench engine | latency | fanout | unary | create | search | postgres | replicas | telemetry | render [export-dir]");
    return 2;
}
