using Microsoft.Extensions.Configuration;
using Retail.Hosting;

namespace Retail.Tests.Faults;

public sealed class ClusterTimeoutsTests
{
    private static IConfiguration Settings(string key, string? value) =>
        new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create(key, value)]).Build();

    [Fact]
    public void A_killed_silo_is_probed_every_second_unless_set_otherwise()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), ClusterTimeouts.ProbeTimeout(Settings("other", "x")));
        Assert.Equal(TimeSpan.FromSeconds(2.5), ClusterTimeouts.ProbeTimeout(Settings(ClusterTimeouts.ProbeTimeoutSetting, "2.5")));
        Assert.Equal(TimeSpan.FromSeconds(5), ClusterTimeouts.ResponseTimeout(Settings("other", "x")));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1,5")]
    [InlineData("soon")]
    [InlineData("301")]
    public void A_wrong_timeout_stops_start_up_with_a_line_that_names_the_setting(string value)
    {
        var probe = Assert.Throws<InvalidOperationException>(() => ClusterTimeouts.ProbeTimeout(Settings(ClusterTimeouts.ProbeTimeoutSetting, value)));
        var response = Assert.Throws<InvalidOperationException>(() => ClusterTimeouts.ResponseTimeout(Settings(ClusterTimeouts.ResponseTimeoutSetting, value)));

        Assert.StartsWith("Retail__Cluster__ProbeTimeoutSeconds is", probe.Message);
        Assert.StartsWith("Retail__Cluster__ResponseTimeoutSeconds is", response.Message);
    }
}
