using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Retail.Tests.Http;

namespace Retail.Tests.Faults;

/// <summary>
/// The retry race that once made a pair drift for good: a goods receipt, a long run of write-offs,
/// then retries of old write-offs (older than the stock grain's memory) racing new ones from many
/// clients, every refused call retried with its same id until accepted. The pair must end exact,
/// with contiguous versions, and no call may be answered with a 5xx other than 503 with Retry-After.
/// </summary>
public static class RetryRace
{
    public const int Opening = 5000;
    public const int Sequential = 1100;
    public const int Retried = 40;
    public const int Fresh = 40;
    public const decimal Expected = Opening - Sequential - Fresh;
    public const long Versions = 1 + Sequential + Fresh;

    public sealed record Outcome(IReadOnlyDictionary<HttpStatusCode, int> Statuses, int UnavailableWithoutRetryAfter);

    public static async Task<(string Store, string Sku)> SetUpAsync(HttpClient client)
    {
        var store = $"race-{Guid.NewGuid():N}"[..14];
        var sku = $"sku-{Guid.NewGuid():N}"[..14];
        (await client.PutJson($"/api/v1/stores/{store}", new { name = "Store", address = "Moscow", timeZone = "Europe/Moscow", inn = "7707083893", taxationSystem = "osn" })).EnsureSuccessStatusCode();
        (await client.PutJson($"/api/v1/skus/{sku}", new { name = "Milk", unit = "pcs", vat = "vat10", price = 89.9m, kind = "goods" })).EnsureSuccessStatusCode();
        return (store, sku);
    }

    public static async Task<Outcome> RunAsync(HttpClient client, string store, string sku)
    {
        var statuses = new ConcurrentDictionary<HttpStatusCode, int>();
        var unavailableWithoutRetryAfter = 0;
        var url = $"/api/v1/stores/{store}/stock/{sku}/movements";

        async Task SendUntilAcceptedAsync(object body)
        {
            for (var attempt = 0; attempt < 50; attempt++)
            {
                using var response = await client.PostJson(url, body);
                statuses.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
                if (response.IsSuccessStatusCode)
                    return;
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is null)
                    Interlocked.Increment(ref unavailableWithoutRetryAfter);
                await Task.Delay(20);
            }
            Assert.Fail($"{JsonSerializer.Serialize(body)} was never accepted");
        }

        await SendUntilAcceptedAsync(new { id = "opening", type = "goodsReceipt", quantity = Opening });
        for (var i = 0; i < Sequential; i++)
            await SendUntilAcceptedAsync(new { id = $"w-{i}", type = "writeOff", quantity = 1, reason = "damaged" });

        // The oldest write-offs again (beyond what the grain remembers) racing new ones, 32 clients at once.
        var race = Enumerable.Range(0, Retried).Select(i => (object)new { id = $"w-{i}", type = "writeOff", quantity = 1, reason = "damaged" })
            .Concat(Enumerable.Range(0, Fresh).Select(i => (object)new { id = $"n-{i}", type = "writeOff", quantity = 1, reason = "damaged" }))
            .OrderBy(_ => Random.Shared.Next()).ToList();
        await Parallel.ForEachAsync(race, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (body, _) => await SendUntilAcceptedAsync(body));
        return new Outcome(statuses, unavailableWithoutRetryAfter);
    }

    /// <summary>The pair's ledger, read back through the API, oldest first.</summary>
    public static async Task<List<JsonElement>> HistoryAsync(HttpClient client, string store, string sku)
    {
        var all = new List<JsonElement>();
        long? before = null;
        while (true)
        {
            var page = await (await client.GetAsync($"/api/v1/stores/{store}/stock/{sku}/movements?limit=1000" + (before is null ? "" : $"&before={before}")))
                .ReadOk<List<JsonElement>>();
            if (page.Count == 0)
                break;
            all.AddRange(page);
            before = page[^1].GetProperty("version").GetInt64();
        }
        all.Reverse();
        return all;
    }

    public static async Task AssertExactAsync(HttpClient client, string store, string sku, Outcome outcome)
    {
        Assert.DoesNotContain(outcome.Statuses.Keys, s => (int)s >= 500 && s != HttpStatusCode.ServiceUnavailable);
        Assert.Equal(0, outcome.UnavailableWithoutRetryAfter);
        var level = await (await client.GetAsync($"/api/v1/stores/{store}/stock/{sku}")).ReadOk<JsonElement>();
        Assert.Equal(Expected, level.GetProperty("onHand").GetDecimal());
        Assert.Equal(Versions, level.GetProperty("version").GetInt64());
        var history = await HistoryAsync(client, store, sku);
        Assert.Equal(Enumerable.Range(1, (int)Versions).Select(v => (long)v), history.Select(m => m.GetProperty("version").GetInt64()));
        Assert.Equal(Versions, history.Select(m => m.GetProperty("id").GetString()).Distinct().Count());
    }
}

/// <summary>The race in the embedded mode.</summary>
[Collection(ApiCollection.Name)]
public sealed class EmbeddedRetryRaceTests(ApiFactory api)
{
    [Fact]
    public async Task Old_retries_racing_new_movements_leave_the_pair_exact_with_contiguous_versions()
    {
        var client = api.Admin();
        var (store, sku) = await RetryRace.SetUpAsync(client);

        var outcome = await RetryRace.RunAsync(client, store, sku);

        await RetryRace.AssertExactAsync(client, store, sku, outcome);
    }
}
