using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Retail.Hosting;
using Retail.Tests.Http;

namespace Retail.Tests.Postgres;

/// <summary>
/// Readiness of an API in client mode follows PostgreSQL itself: a server of its own (not the
/// shared one) is stopped and started again under a running silo and API.
/// </summary>
[Collection(PostgresServer.Collection)]
public sealed class ReadinessTests(PostgresServer shared)
{
    private sealed class ClientApi(string connectionString) : ApiFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["ConnectionStrings:Retail"] = connectionString,
            ["Retail:Cluster:Mode"] = "client",
        };
    }

    [Fact]
    public async Task Readiness_in_client_mode_turns_503_when_postgresql_stops_and_200_when_it_is_back()
    {
        await using var own = await OwnPostgresServer.StartAsync(shared);
        var server = own.ConnectionString;
        using var silo = await ApiKeyDurabilityTests.StartSiloAsync(server);
        await using var api = new ClientApi(server);
        using var client = api.CreateClient();
        Task<HttpStatusCode> Ready() => client.GetAsync("/health/ready").ContinueWith(t => t.Result.StatusCode);

        Assert.Equal(HttpStatusCode.OK, await Eventually.Until(Ready, status => status == HttpStatusCode.OK));
        // Both processes bound their pools from the one connection-string builder, Orleans' providers included.
        Assert.Equal(4, new NpgsqlConnectionStringBuilder(api.Services.GetRequiredService<NpgsqlDataSource>().ConnectionString).MaxPoolSize);
        var clustering = silo.Services.GetRequiredService<IOptions<AdoNetClusteringSiloOptions>>().Value.ConnectionString;
        Assert.Equal((4, 3, 5), (new NpgsqlConnectionStringBuilder(clustering).MaxPoolSize, new NpgsqlConnectionStringBuilder(clustering).Timeout,
            new NpgsqlConnectionStringBuilder(clustering).CommandTimeout));

        await own.PauseAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await Eventually.Until(Ready, status => status == HttpStatusCode.ServiceUnavailable));

        await own.ResumeAsync();
        Assert.Equal(HttpStatusCode.OK, await Eventually.Until(Ready, status => status == HttpStatusCode.OK));

        await silo.StopAsync();
    }
}
