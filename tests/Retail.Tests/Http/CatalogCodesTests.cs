using System.Net;
using System.Text.Json;

namespace Retail.Tests.Http;

/// <summary>
/// The catalog takes a subset of the fiscal codes it shares with the register: a unit, rate or
/// taxation system the fiscal core knows but a SKU or store does not take is refused on its field,
/// as an unknown name is, and nothing is stored.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class CatalogCodesTests(ApiFactory api)
{
    private readonly TestChain chain = new(api);

    [Theory]
    [InlineData("unit", "t")]
    [InlineData("unit", "other")]
    [InlineData("unit", "tonne")]
    [InlineData("vat", "vat20")]
    [InlineData("vat", "vat122")]
    [InlineData("vat", "VAT22")]
    public async Task A_sku_with_a_code_the_catalog_does_not_take_is_refused_and_not_stored(string field, string value)
    {
        var sku = TestChain.NewId("sku");
        var body = new Dictionary<string, object> { ["name"] = "Kefir", ["unit"] = "pcs", ["vat"] = "vat22", ["price"] = 100, ["kind"] = "goods" };
        body[field] = value;

        using var refused = await chain.Admin.PutJson($"/api/v1/skus/{sku}", body);

        await AssertRefusedOnAsync(refused, field);
        using var read = await chain.Admin.GetAsync($"/api/v1/skus/{sku}");
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    [Theory]
    [InlineData("osn, patent")]
    [InlineData("osn,usn_income")]
    [InlineData("Osn")]
    public async Task A_store_with_more_than_one_taxation_system_is_refused_and_not_stored(string value)
    {
        var store = TestChain.NewId("st");

        using var refused = await chain.Admin.PutJson($"/api/v1/stores/{store}",
            new { name = "Store", address = "Moscow", timeZone = "Europe/Moscow", inn = "7707083893", taxationSystem = value });

        await AssertRefusedOnAsync(refused, "taxationSystem");
        using var read = await chain.Admin.GetAsync($"/api/v1/stores/{store}");
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    [Fact]
    public async Task Every_unit_and_rate_the_catalog_takes_round_trips_by_its_api_name()
    {
        foreach (var (unit, vat) in new[] { ("pcs", "vat22"), ("kg", "vat10"), ("g", "vat0"), ("l", "none"), ("ml", "vat5"), ("m", "vat7") })
        {
            var sku = TestChain.NewId("sku");
            using var put = await chain.Admin.PutJson($"/api/v1/skus/{sku}", new { name = "Kefir", unit, vat, price = 100, kind = "goods" });
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            using var read = JsonDocument.Parse(await chain.Admin.GetStringAsync($"/api/v1/skus/{sku}"));
            Assert.Equal((unit, vat), (read.RootElement.GetProperty("unit").GetString(), read.RootElement.GetProperty("vat").GetString()));
        }
    }

    private static async Task AssertRefusedOnAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        using var problem = JsonDocument.Parse(text);
        Assert.Equal("validation_failed", problem.RootElement.GetProperty("code").GetString());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), text);
    }
}
