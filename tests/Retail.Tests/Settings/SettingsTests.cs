using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Retail.Api.Access;
using Retail.Api.Dashboard;
using Retail.Hosting;
using Retail.Integrations;
using Retail.Registers;

namespace Retail.Tests.Settings;

public sealed class SettingsTests
{
    private static Task<string> FailureAsync(string key, string value) => key.Split(':')[1] switch
    {
        "Cluster" => StartUp.FailureAsync<RetailClusterOptions>(key, value),
        "Database" => StartUp.FailureAsync<DatabaseOptions>(key, value),
        "Auth" => StartUp.FailureAsync<AuthOptions>(key, value),
        "RateLimit" => StartUp.FailureAsync<RateLimitOptions>(key, value),
        "Dashboard" => StartUp.FailureAsync<RetailDashboardOptions>(key, value),
        "Webhooks" => StartUp.FailureAsync<WebhookOptions>(key, value),
        "Mail" => StartUp.FailureAsync<MailOptions>(key, value),
        "CloudRegister" => StartUp.FailureAsync<CloudRegisterOptions>(key, value),
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, null),
    };

    [Theory]
    [InlineData("Retail:Cluster:SiloPort", "0", "a port from 1 to 65535")]
    [InlineData("Retail:Cluster:SiloPort", "65536", "a port from 1 to 65535")]
    [InlineData("Retail:Cluster:SiloPort", "x", "a port from 1 to 65535")]
    [InlineData("Retail:Cluster:GatewayPort", "-1", "a port from 0 to 65535")]
    [InlineData("Retail:Cluster:AdvertisedAddress", "silo-1", "an IP address")]
    [InlineData("Retail:Database:MaxPoolSize", "0", "a number of connections, at least 1")]
    [InlineData("Retail:Database:MaxPoolSize", "four", "a number of connections, at least 1")]
    [InlineData("Retail:Auth:KeyCacheSeconds", "0", "a whole number of seconds, at least 1")]
    [InlineData("Retail:RateLimit:PermitsPerSecond", "lots", "a whole number")]
    [InlineData("Retail:Dashboard:Orleans", "yes", "true or false")]
    [InlineData("Retail:Webhooks:AllowPrivateTargets", "1", "true or false")]
    [InlineData("Retail:Webhooks:Timeout", "00:00:00", "a positive time span (d.hh:mm:ss)")]
    [InlineData("Retail:Webhooks:GiveUpAfter", "three days", "a positive time span (d.hh:mm:ss)")]
    [InlineData("Retail:Mail:Port", "0", "a port from 1 to 65535")]
    [InlineData("Retail:Mail:Security", "ssl", "auto, none, starttls or tls")]
    [InlineData("Retail:Mail:From", "receipts@", "an e-mail address")]
    [InlineData("Retail:CloudRegister:OfdInn", "770421120", "10 digits")]
    public async Task A_wrong_setting_stops_start_up_with_one_line_that_names_it(string key, string value, string expected) =>
        Assert.Equal($"{key.Replace(":", "__")} is '{value}'; it is {expected}.", await FailureAsync(key, value));

    [Fact]
    public async Task Unset_settings_are_the_defaults_the_readme_gives()
    {
        var cluster = await StartUp.OptionsAsync<RetailClusterOptions>("other", "x");
        Assert.Equal(("retail", "retail", 11111, 30000, null, false), (cluster.ClusterId, cluster.ServiceId, cluster.SiloPort, cluster.GatewayPort, cluster.Advertised, cluster.IsClient));
        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1)), (cluster.ResponseTimeout, cluster.ProbeTimeout));
        Assert.Equal(4, (await StartUp.OptionsAsync<DatabaseOptions>("other", "x")).MaxPoolSize);
        var webhooks = await StartUp.OptionsAsync<WebhookOptions>("other", "x");
        Assert.Equal((false, TimeSpan.FromSeconds(10), TimeSpan.FromDays(3)), (webhooks.AllowPrivateTargets, webhooks.Timeout, webhooks.GiveUpAfter));
        var mail = await StartUp.OptionsAsync<MailOptions>("other", "x");
        Assert.Equal((null, 25, "auto", "receipts@localhost", false), (mail.Host, mail.Port, mail.Security, mail.From, mail.Enabled));
        var cloud = await StartUp.OptionsAsync<CloudRegisterOptions>("other", "x");
        Assert.Equal(("0000000000", "www.nalog.gov.ru", "https://check.nalog.ru/?{qr}"), (cloud.OfdInn, cloud.FnsSite, cloud.ReceiptUrl));
        Assert.False((await StartUp.OptionsAsync<RetailDashboardOptions>("other", "x")).Orleans);
        Assert.Equal(20_000, (await StartUp.OptionsAsync<RateLimitOptions>("other", "x")).PermitsPerSecond);
        Assert.Equal(5, (await StartUp.OptionsAsync<AuthOptions>("other", "x")).KeyCacheSeconds);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Only_the_embedded_mode_starts_without_an_admin_token_of_its_own(bool durable)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddApiCallers(durable);
        using var host = builder.Build();

        if (durable)
        {
            var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
            Assert.Equal("Set Retail:Auth:AdminToken (Retail__Auth__AdminToken): a durable deployment needs its own admin token.", error.Message);
            return;
        }
        await host.StartAsync();
        Assert.True(host.Services.GetRequiredService<AdminToken>().Matches(AdminToken.EmbeddedDefault));
        await host.StopAsync();
    }
}
