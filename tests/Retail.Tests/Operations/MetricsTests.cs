using System.Globalization;
using System.Net;
using Retail.Tests.Http;

namespace Retail.Tests.Operations;

[Collection(ApiCollection.Name)]
public sealed class MetricsTests(ApiFactory api)
{
    // Without a token: the scraper is not an API client.
    private readonly HttpClient scraper = api.CreateClient();

    [Fact]
    public async Task A_movement_shows_in_the_scrape_with_its_type_next_to_the_orleans_and_http_series()
    {
        var admin = api.Admin();
        var store = $"st-{Guid.NewGuid():N}"[..14];
        var sku = $"sku-{Guid.NewGuid():N}"[..14];
        (await admin.PutJson($"/api/v1/stores/{store}", new { name = "Store", address = "Moscow", timeZone = "Europe/Moscow", inn = "7707083893", taxationSystem = "osn" })).EnsureSuccessStatusCode();
        (await admin.PutJson($"/api/v1/skus/{sku}", new { name = "Milk", unit = "pcs", vat = "vat10", price = 89.9m, kind = "goods" })).EnsureSuccessStatusCode();
        var before = Sum(await ScrapeAsync(), "retail_stock_movements_total", "type=\"writeOff\"");

        (await admin.PostJson($"/api/v1/stores/{store}/stock/{sku}/movements", new { id = "wo-1", type = "writeOff", quantity = 1 })).EnsureSuccessStatusCode();

        // The exporter answers from a short-lived cache, so the next scrape may still be the old one.
        // Other tests' silos in this process count on meters of their own, which this host's scrape leaves out.
        var text = await Eventually.Until(ScrapeAsync, scrape => Sum(scrape, "retail_stock_movements_total", "type=\"writeOff\"") > before);
        Assert.Equal(before + 1, Sum(text, "retail_stock_movements_total", "type=\"writeOff\""));
        Assert.Contains("# TYPE retail_stock_movements_total counter", text);
        Assert.True(Sum(text, "orleans_grains", "grain_type=\"stock\"") >= 1, "No stock grain in orleans_grains");
        Assert.True(Sum(text, "http_server_request_duration_seconds_count", "/movements\"") >= 1, "No HTTP series for the movements route");
    }

    private async Task<string> ScrapeAsync()
    {
        var response = await scraper.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /metrics: {response.StatusCode} {text}");
        return text;
    }

    /// <summary>Adds up the samples of one series whose labels contain a fragment.</summary>
    private static double Sum(string exposition, string series, string labelFragment) =>
        exposition.Split('\n')
            .Where(line => line.StartsWith(series + "{", StringComparison.Ordinal) && line.Contains(labelFragment, StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
}
