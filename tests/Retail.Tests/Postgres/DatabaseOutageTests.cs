using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Npgsql;
using Retail.Tests.Http;

namespace Retail.Tests.Postgres;

/// <summary>
/// PostgreSQL stops under load and comes back: while it is away every write is a 503 with
/// Retry-After within seconds (never a 500, never a long wait), and afterwards, every request
/// retried with its id until accepted, the stock and the fiscal numbers are exact.
/// </summary>
[Collection(PostgresServer.Collection)]
public sealed class DatabaseOutageTests(PostgresServer shared)
{
    [Fact]
    public async Task While_postgresql_is_away_writes_are_503_with_retry_after_and_afterwards_stock_and_receipts_are_exact()
    {
        await using var server = await OwnPostgresServer.StartAsync(shared);
        await using var api = new PostgresApiFactory(server.ConnectionString);
        var chain = new TestChain(api);
        var client = chain.Admin;
        var store = await chain.StoreAsync();
        var sku = await chain.SkuAsync();
        await chain.ReceiveAsync(store, sku, 10_000);
        var register = await chain.RegisterAsync(store);

        var statuses = new ConcurrentBag<(HttpStatusCode Status, bool RetryAfter, TimeSpan Took)>();
        var acknowledgedReceipts = new ConcurrentBag<long>();
        var acknowledgedUnits = 0;
        using var stop = new CancellationTokenSource();

        async Task UntilAcceptedAsync(string url, object body, Action<JsonElement> accepted)
        {
            while (true)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await client.PostJson(url, body);
                statuses.Add((response.StatusCode, response.Headers.RetryAfter is not null, Stopwatch.GetElapsedTime(started)));
                if (response.IsSuccessStatusCode)
                {
                    accepted(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);
                    return;
                }
                await Task.Delay(200);
            }
        }

        var tills = Enumerable.Range(0, 6).Select(t => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                if (t % 2 == 0)
                    await UntilAcceptedAsync($"/api/v1/registers/{register}/receipts", TestChain.Sale($"t{t}-{i}", sku),
                        receipt =>
                        {
                            acknowledgedReceipts.Add(receipt.GetProperty("fiscalDocumentNumber").GetInt64());
                            Interlocked.Increment(ref acknowledgedUnits);
                        });
                else
                    await UntilAcceptedAsync($"/api/v1/stores/{store}/stock/{sku}/movements",
                        new { id = $"t{t}-{i}", type = "writeOff", quantity = 1, reason = "damaged" }, _ => Interlocked.Increment(ref acknowledgedUnits));
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(2));
        await server.PauseAsync();
        await Task.Delay(TimeSpan.FromSeconds(6));
        await server.ResumeAsync();
        await Task.Delay(TimeSpan.FromSeconds(4));
        await stop.CancelAsync();
        await Task.WhenAll(tills);

        var failures = statuses.Where(s => !((int)s.Status is >= 200 and < 300)).ToList();
        Assert.NotEmpty(failures);
        Assert.All(failures, f => Assert.Equal((HttpStatusCode.ServiceUnavailable, true), (f.Status, f.RetryAfter)));
        Assert.True(statuses.Max(s => s.Took) < TimeSpan.FromSeconds(10), $"a request waited {statuses.Max(s => s.Took)}");

        var level = await (await client.GetAsync($"/api/v1/stores/{store}/stock/{sku}")).ReadOk<JsonElement>();
        Assert.Equal(10_000 - acknowledgedUnits, level.GetProperty("onHand").GetDecimal());
        Assert.Equal(1 + acknowledgedUnits, level.GetProperty("version").GetInt64());
        // FD 1 registration, FD 2 shift open, then one FD per acknowledged receipt, without gap or repeat.
        Assert.Equal(Enumerable.Range(3, acknowledgedReceipts.Count).Select(n => (long)n), acknowledgedReceipts.Order());
    }
}
