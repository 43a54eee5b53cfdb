using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;
using Retail.Api;
using Retail.Api.Http;
using Retail.Common;
using Retail.Tests.Http;

namespace Retail.Tests.Faults;

/// <summary>
/// The API with its co-hosted silo, wired as in production, plus two endpoints on the same /api group
/// that reach <see cref="IFaultyGrain"/>: what a till sees when a grain call fails.
/// </summary>
public sealed class FaultApiTests : IAsyncLifetime
{
    private WebApplication app = null!;
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration["Retail:Auth:AdminToken"] = ApiFactory.AdminToken;
        builder.Configuration["Retail:Cluster:SiloPort"] = ApiFactory.FreePort().ToString();
        builder.Configuration["Retail:Cluster:GatewayPort"] = ApiFactory.FreePort().ToString();
        OwnOrleansMeter.AddTo(builder.Services);
        builder.AddRetailApi();
        app = builder.Build();
        app.UseRetailApi();
        var api = app.MapApiGroup();
        api.MapGet("/api/test/faulty/{key}", async (string key, IGrainFactory grains) => Results.Ok(await grains.GetGrain<IFaultyGrain>(key).CallAsync()));
        api.MapGet("/api/test/unavailable", () => Problems.Unavailable("The ledger is catching up."));
        await app.StartAsync();
        client = app.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiFactory.AdminToken);
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        var leftovers = Cluster.KilledSilo.LeftoversOf(app.Services);
        await app.StopAsync();
        await app.DisposeAsync();
        await Cluster.KilledSilo.StopLeftoversAsync(leftovers);
    }

    private static void AssertRetryAfter(HttpResponseMessage response) =>
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {response.Headers.RetryAfter}");

    [Fact]
    public async Task A_grain_that_fails_once_on_the_database_is_retried_and_answers()
    {
        var key = FaultyGrain.Plan(FaultyGrain.DatabaseAway);

        var response = await client.GetAsync($"/api/test/faulty/{key}");

        Assert.Equal("answered " + key, await response.ReadOk<string>());
        Assert.Equal(2, FaultyGrain.Calls(key));
    }

    [Fact]
    public async Task A_grain_whose_database_stays_away_is_503_unavailable_with_retry_after()
    {
        var key = FaultyGrain.Plan(FaultyGrain.DatabaseAway, FaultyGrain.DatabaseAway);

        var response = await client.GetAsync($"/api/test/faulty/{key}");

        await response.AssertProblem(HttpStatusCode.ServiceUnavailable, ErrorCodes.Unavailable);
        AssertRetryAfter(response);
        Assert.Equal(2, FaultyGrain.Calls(key));
    }

    [Fact]
    public async Task A_silo_going_away_twice_is_503_unavailable()
    {
        var key = FaultyGrain.Plan(() => new SiloUnavailableException("gone"), () => new TimeoutException("no response"));

        var response = await client.GetAsync($"/api/test/faulty/{key}");

        await response.AssertProblem(HttpStatusCode.ServiceUnavailable, ErrorCodes.Unavailable);
        AssertRetryAfter(response);
    }

    [Fact]
    public async Task A_refused_statement_is_a_500_and_is_not_retried()
    {
        var key = FaultyGrain.Plan(FaultyGrain.RefusedStatement, FaultyGrain.RefusedStatement);

        var response = await client.GetAsync($"/api/test/faulty/{key}");

        await response.AssertProblem(HttpStatusCode.InternalServerError, "internal_error");
        Assert.Null(response.Headers.RetryAfter);
        Assert.Equal(1, FaultyGrain.Calls(key));
    }

    [Fact]
    public async Task An_unavailable_problem_returned_by_a_handler_carries_retry_after_too()
    {
        var response = await client.GetAsync("/api/test/unavailable");

        await response.AssertProblem(HttpStatusCode.ServiceUnavailable, ErrorCodes.Unavailable);
        AssertRetryAfter(response);
    }
}
