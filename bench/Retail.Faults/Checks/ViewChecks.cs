using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Retail.Faults.Load;
using Retail.Faults.Reporting;

namespace Retail.Faults.Checks;

/// <summary>
/// The checks through the API: each pair's stock, the store view, the chain view and the sales
/// analytics must equal the ledger and the journal. Views are fed asynchronously, so each check is
/// asked again for a while before a difference counts; the last difference seen is reported.
/// </summary>
public static class ViewChecks
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(HttpClient http, FaultChain chain, LedgerTruth truth, DateTimeOffset runStarted, Anomalies anomalies)
    {
        await UntilEqualAsync("pair stock (GET /stores/{s}/stock/{sku}) differs from the ledger", anomalies, async () =>
        {
            var differences = new List<string>();
            foreach (var (storeId, sku) in chain.Pairs)
            {
                var level = await GetAsync(http, $"api/v1/stores/{storeId}/stock/{sku}");
                var (onHand, version) = truth.Pairs.GetValueOrDefault((storeId, sku));
                var apiOnHand = level.GetProperty("onHand").GetDecimal();
                var apiVersion = level.GetProperty("version").GetInt64();
                if (apiOnHand != onHand || apiVersion != version)
                    differences.Add(I($"{storeId}/{sku}: API onHand {apiOnHand} v{apiVersion}, ledger {onHand} v{version}"));
            }
            return differences;
        });

        await UntilEqualAsync("store view (GET /stores/{s}/stock) differs from the ledger", anomalies, async () =>
        {
            var differences = new List<string>();
            foreach (var storeId in chain.StoreIds)
            {
                var page = await GetAsync(http, $"api/v1/stores/{storeId}/stock?pageSize=1000");
                var items = page.GetProperty("items").EnumerateArray()
                    .ToDictionary(i => i.GetProperty("sku").GetString()!, i => i.GetProperty("onHand").GetDecimal(), StringComparer.Ordinal);
                foreach (var sku in chain.Skus)
                {
                    var ledger = truth.Pairs.GetValueOrDefault((storeId, sku)).OnHand;
                    if (!items.TryGetValue(sku, out var view))
                        differences.Add($"{storeId}/{sku}: missing from the store view");
                    else if (view != ledger)
                        differences.Add(I($"{storeId}/{sku}: store view {view}, ledger {ledger}"));
                }
            }
            return differences;
        });

        await UntilEqualAsync("chain view (GET /skus/{sku}/stock) differs from the ledger", anomalies, async () =>
        {
            var differences = new List<string>();
            foreach (var sku in chain.Skus)
            {
                var stock = await GetAsync(http, $"api/v1/skus/{sku}/stock");
                var stores = stock.GetProperty("stores").EnumerateArray()
                    .ToDictionary(s => s.GetProperty("storeId").GetString()!, s => s.GetProperty("onHand").GetDecimal(), StringComparer.Ordinal);
                decimal total = 0;
                foreach (var storeId in chain.StoreIds)
                {
                    var ledger = truth.Pairs.GetValueOrDefault((storeId, sku)).OnHand;
                    total += ledger;
                    if (!stores.TryGetValue(storeId, out var view))
                        differences.Add($"{sku} in {storeId}: missing from the chain view");
                    else if (view != ledger)
                        differences.Add(I($"{sku} in {storeId}: chain view {view}, ledger {ledger}"));
                }
                var apiTotal = stock.GetProperty("onHand").GetDecimal();
                if (apiTotal != total)
                    differences.Add(I($"{sku}: chain total {apiTotal}, ledger {total}"));
            }
            return differences;
        });

        var from = Uri.EscapeDataString(runStarted.UtcDateTime.Date.AddDays(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        var to = Uri.EscapeDataString(DateTimeOffset.UtcNow.UtcDateTime.Date.AddDays(2).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        await UntilEqualAsync("analytics differ from the journal", anomalies, async () =>
        {
            var differences = new List<string>();
            foreach (var storeId in chain.StoreIds)
            {
                var sales = await GetAsync(http, $"api/v1/analytics/stores/{storeId}/sales?from={from}&to={to}&bucket=day");
                var buckets = sales.GetProperty("buckets").EnumerateArray().ToList();
                var receipts = buckets.Sum(b => b.GetProperty("receipts").GetInt32());
                var units = buckets.Sum(b => b.GetProperty("units").GetDecimal());
                var journaled = truth.JournaledReceiptsByStore.GetValueOrDefault(storeId);
                var sold = truth.SoldUnitsByStore.GetValueOrDefault(storeId);
                if (receipts != journaled)
                    differences.Add(I($"{storeId}: analytics {receipts} receipts, journal {journaled}"));
                if (units != sold)
                    differences.Add(I($"{storeId}: analytics {units} units, ledger's receipt lines {sold}"));
            }
            return differences;
        });
    }

    private static async Task UntilEqualAsync(string rule, Anomalies anomalies, Func<Task<List<string>>> compare)
    {
        var deadline = DateTime.UtcNow + Settle;
        List<string> differences;
        while (true)
        {
            try
            {
                differences = await compare();
            }
            catch (Exception error) when (error is HttpRequestException or OperationCanceledException or JsonException or KeyNotFoundException or InvalidOperationException)
            {
                differences = [$"could not read: {error.Message}"];
            }
            if (differences.Count == 0 || DateTime.UtcNow >= deadline)
                break;
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        foreach (var difference in differences)
            anomalies.Add(rule, difference);
        Console.WriteLine(differences.Count == 0 ? $"  ok: {Positive(rule)}" : $"  FAILED: {rule} ({differences.Count})");
    }

    private static string Positive(string rule) => rule.Replace(" differs from ", " equals ").Replace(" differ from ", " equal ");

    private static async Task<JsonElement> GetAsync(HttpClient http, string path)
    {
        using var timeout = new CancellationTokenSource(PersistentSender.AttemptTimeout);
        using var response = await http.GetAsync(path, timeout.Token);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"GET {path} answered {(int)response.StatusCode}");
        return await response.Content.ReadFromJsonAsync<JsonElement>(PersistentSender.Json, timeout.Token);
    }

    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
