using InfraGrpc.Domain.Access;

namespace InfraGrpc.Domain.Tests;

public sealed class DenialThrottleTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void ACaller_RecordsItsBudget_ThenOneNotice_ThenCountsTheRest_AndReportsThemInTheNextWindow()
    {
        var clock = new ManualClock();
        var throttle = new DenialThrottle(clock, perWindow: 3);

        var first = Enumerable.Range(0, 10).Select(_ => throttle.Admit("anonymous", "ipv4:10.0.0.7:40001")).ToList();
        clock.Now += DenialThrottle.Window;
        var next = throttle.Admit("anonymous", "ipv4:10.0.0.7:40999");

        Assert.Equal(3, first.Count(d => d.Record));
        Assert.Equal(1, first.Count(d => d.Overflowing));
        Assert.All(first, d => Assert.Equal(0, d.Suppressed));
        Assert.True(next.Record);
        Assert.Equal(7, next.Suppressed);
    }

    [Fact]
    public void CallersAreCountedApart_ByIdentityAndHost_NotByPort()
    {
        var throttle = new DenialThrottle(new ManualClock(), perWindow: 1);

        var a = throttle.Admit("anonymous", "ipv4:10.0.0.7:1");
        var samePortless = throttle.Admit("anonymous", "ipv4:10.0.0.7:2");
        var otherHost = throttle.Admit("anonymous", "ipv4:10.0.0.8:1");
        var otherIdentity = throttle.Admit("vera", "ipv4:10.0.0.7:1");
        var ipv6 = throttle.Admit("anonymous", "ipv6:[::1]:5000");

        Assert.True(a.Record);
        Assert.False(samePortless.Record);
        Assert.True(otherHost.Record);
        Assert.True(otherIdentity.Record);
        Assert.True(ipv6.Record);
    }

    [Fact]
    public void AFloodFromManyHosts_StaysBounded()
    {
        var throttle = new DenialThrottle(new ManualClock(), perWindow: 1);

        for (var i = 0; i < DenialThrottle.MaxCallers * 3; i++)
        {
            throttle.Admit("anonymous", $"ipv4:10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}:1");
        }

        Assert.True(throttle.TrackedCallers <= DenialThrottle.MaxCallers);
    }
}
