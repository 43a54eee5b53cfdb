using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Retail.Hosting;
using Retail.Tests.Settings;

namespace Retail.Tests.Faults;

public sealed class ClusterTimeoutsTests
{
    [Fact]
    public async Task A_killed_silo_is_probed_every_second_unless_set_otherwise()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), (await StartUp.OptionsAsync<RetailClusterOptions>("other", "x")).ProbeTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2.5), (await StartUp.OptionsAsync<RetailClusterOptions>("Retail:Cluster:ProbeTimeoutSeconds", "2.5")).ProbeTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), (await StartUp.OptionsAsync<RetailClusterOptions>("other", "x")).ResponseTimeout);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1,5")]
    [InlineData("soon")]
    [InlineData("301")]
    public async Task A_wrong_timeout_stops_start_up_with_a_line_that_names_the_setting(string value)
    {
        var probe = await StartUp.FailureAsync<RetailClusterOptions>("Retail:Cluster:ProbeTimeoutSeconds", value);
        var response = await StartUp.FailureAsync<RetailClusterOptions>("Retail:Cluster:ResponseTimeoutSeconds", value);

        Assert.Equal($"Retail__Cluster__ProbeTimeoutSeconds is '{value}'; it is a number of seconds from 0.1 to 300.", probe);
        Assert.Equal($"Retail__Cluster__ResponseTimeoutSeconds is '{value}'; it is a number of seconds from 0.1 to 300.", response);
    }
}

[Collection(Http.ApiCollection.Name)]
public sealed class ClusterTimeoutsWiringTests(Http.ApiFactory api)
{
    [Fact]
    public void The_co_hosted_silo_takes_its_timeouts_from_the_cluster_settings()
    {
        var membership = api.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
        var messaging = api.Services.GetRequiredService<IOptions<SiloMessagingOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(double.Parse(Http.ApiFactory.ProbeTimeoutSeconds, System.Globalization.CultureInfo.InvariantCulture)), membership.ProbeTimeout);
        Assert.Equal(2 * membership.ProbeTimeout, membership.MaxProbeTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), messaging.ResponseTimeout);
    }
}
