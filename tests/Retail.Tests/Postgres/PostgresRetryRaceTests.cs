using Npgsql;
using Retail.Tests.Faults;
using Retail.Tests.Http;

namespace Retail.Tests.Postgres;

/// <summary>The API with its co-hosted silo in the PostgreSQL mode, on a database of its own.</summary>
public sealed class PostgresApiFactory(string connectionString) : ApiFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:Retail"] = connectionString,
        ["Retail:Cluster:AdvertisedAddress"] = "127.0.0.1",
        ["Retail:Cluster:ClusterId"] = "race-" + Guid.NewGuid().ToString("N")[..8],
    };
}

[Collection(PostgresServer.Collection)]
public sealed class PostgresRetryRaceTests(PostgresServer server)
{
    [Fact]
    public async Task Old_retries_racing_new_movements_leave_the_pair_exact_in_the_ledger_and_after_a_restart()
    {
        var database = await server.CreateDatabaseAsync();
        string store, sku;
        await using (var first = new PostgresApiFactory(database))
        {
            var client = first.Admin();
            (store, sku) = await RetryRace.SetUpAsync(client);
            var outcome = await RetryRace.RunAsync(client, store, sku);
            await RetryRace.AssertExactAsync(client, store, sku, outcome);
        }

        await using (var data = NpgsqlDataSource.Create(database))
        {
            await using var command = data.CreateCommand(
                "SELECT count(*), min(version), max(version), sum(on_hand_delta) FROM stock_movements WHERE store_id = @s AND sku = @k");
            command.Parameters.AddWithValue("s", store);
            command.Parameters.AddWithValue("k", sku);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            Assert.Equal((RetryRace.Versions, 1L, RetryRace.Versions, RetryRace.Expected),
                (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetDecimal(3)));
        }

        await using var second = new PostgresApiFactory(database);
        await RetryRace.AssertExactAsync(second.Admin(), store, sku, new RetryRace.Outcome(new Dictionary<System.Net.HttpStatusCode, int>(), 0));
    }
}
