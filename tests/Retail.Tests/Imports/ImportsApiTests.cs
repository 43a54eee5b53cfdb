using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MiniExcelLibs;
using Retail.Common;
using Retail.Tests.Http;
using static Retail.Tests.Imports.ImportFiles;

namespace Retail.Tests.Imports;

/// <summary>Files an import takes and how its answer reads.</summary>
public static class ImportFiles
{
    public static MultipartFormDataContent File(byte[] content, string fileName)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        return form;
    }

    public static byte[] Csv(string header, IEnumerable<string> lines, char separator = ',') =>
        Encoding.UTF8.GetBytes(string.Join("\n", new[] { header.Replace(',', separator) }.Concat(lines)) + "\n");

    public static byte[] Xlsx(IEnumerable<Dictionary<string, object?>> rows)
    {
        using var stream = new MemoryStream();
        stream.SaveAs(rows, excelType: ExcelType.XLSX);
        return stream.ToArray();
    }

    public static async Task<JsonElement> ImportAsync(HttpClient client, string kind, byte[] content, string fileName) =>
        await (await client.PostAsync($"/api/v1/imports/{kind}", File(content, fileName))).ReadOk<JsonElement>();

    public static (int Imported, int Skipped, int Failed, List<(int Row, string? Column, string Code)> Failures) Read(JsonElement result) =>
        (result.GetProperty("imported").GetInt32(), result.GetProperty("skipped").GetInt32(), result.GetProperty("failedCount").GetInt32(),
            result.GetProperty("failed").EnumerateArray()
                .Select(f => (f.GetProperty("row").GetInt32(), f.GetProperty("column").GetString(), f.GetProperty("code").GetString()!)).ToList());
}

[Collection(ApiCollection.Name)]
public sealed class ImportsApiTests(ApiFactory api)
{
    private readonly TestChain chain = new(api);

    private async Task<decimal> OnHandAsync(string store, string sku) =>
        (await (await chain.Admin.GetAsync($"/api/v1/stores/{store}/stock/{sku}")).ReadOk<JsonElement>()).GetProperty("onHand").GetDecimal();

    [Fact]
    public async Task Ten_thousand_stock_rows_from_csv_go_in_once_with_bad_rows_reported_by_number()
    {
        var store = await chain.StoreAsync();
        var skus = new[] { await chain.SkuAsync(), await chain.SkuAsync(), await chain.SkuAsync() };
        var lines = Enumerable.Range(0, 10_000).Select(i => i switch
        {
            17 => $"r-{i},{store},{skus[0]},goodsReceipt,abc,,",               // row 19: not a number
            500 => $"r-{i},{store},no-such-sku,goodsReceipt,1,,",              // row 502: unknown SKU
            9_998 => $"r-{i},{store},{skus[1]},sale,1,,",                       // row 10000: not a manual movement
            _ => $"r-{i},{store},{skus[i % 3]},goodsReceipt,{1 + i % 2},delivery,2026-03-02T09:00:00+03:00",
        }).ToList();
        var file = Csv("id,storeId,sku,type,quantity,reason,occurredAt", lines);

        var first = Read(await ImportAsync(chain.Admin, "stock", file, "stock.csv"));
        var again = Read(await ImportAsync(chain.Admin, "stock", file, "stock.csv"));

        Assert.Equal((9_997, 0, 3), (first.Imported, first.Skipped, first.Failed));
        Assert.Equal([(19, ErrorCodes.ValidationFailed), (502, ErrorCodes.UnknownSku), (10_000, ErrorCodes.ValidationFailed)],
            first.Failures.Select(f => (f.Row, f.Code)).ToList());
        Assert.Equal(["quantity", "type"], first.Failures.Where(f => f.Code == ErrorCodes.ValidationFailed).Select(f => f.Column));
        Assert.Equal((0, 9_997, 3), (again.Imported, again.Skipped, again.Failed));
        var expected = Enumerable.Range(0, 10_000).Where(i => i is not (17 or 500 or 9_998)).GroupBy(i => i % 3)
            .ToDictionary(g => skus[g.Key], g => g.Sum(i => 1m + i % 2));
        foreach (var sku in skus)
            Assert.Equal(expected[sku], await OnHandAsync(store, sku));
    }

    [Fact]
    public async Task A_catalog_from_xlsx_defines_each_sku_and_an_upload_again_changes_nothing()
    {
        var prefix = TestChain.NewId("imp");
        var rows = Enumerable.Range(0, 200).Select(i => new Dictionary<string, object?>
        {
            ["sku"] = $"{prefix}-{i}", ["name"] = $"Item {i}", ["unit"] = i == 7 ? "boxes" : "pcs", ["vat"] = "vat10",
            ["price"] = 10.5 + i, ["kind"] = "goods", ["marked"] = "false", ["barcodes"] = $"46070{i:D8};46071{i:D8}",
        }).ToList();
        rows[42]["price"] = -1;
        var file = Xlsx(rows);

        var first = Read(await ImportAsync(chain.Admin, "catalog", file, "catalog.xlsx"));
        var again = Read(await ImportAsync(chain.Admin, "catalog", file, "catalog.xlsx"));

        Assert.Equal((198, 0, 2), (first.Imported, first.Skipped, first.Failed));
        Assert.Equal([(9, "unit"), (44, "price")], first.Failures.Select(f => (f.Row, f.Column)).ToList());
        Assert.Equal((0, 198, 2), (again.Imported, again.Skipped, again.Failed));
        var sku = await (await chain.Admin.GetAsync($"/api/v1/skus/{prefix}-3")).ReadOk<JsonElement>();
        Assert.Equal(13.5m, sku.GetProperty("price").GetDecimal());
        Assert.Equal(["4607000000003", "4607100000003"], sku.GetProperty("barcodes").EnumerateArray().Select(b => b.GetString()));
        await (await chain.Admin.GetAsync($"/api/v1/skus/{prefix}-7")).AssertProblem(HttpStatusCode.NotFound, ErrorCodes.UnknownSku);
    }

    [Fact]
    public async Task A_semicolon_csv_with_decimal_commas_as_a_russian_spreadsheet_saves_it_is_read()
    {
        var store = await chain.StoreAsync();
        var sku = await chain.SkuAsync();
        var file = Csv("id;storeId;sku;type;quantity;reason", [$"w-1;{store};{sku};goodsReceipt;2,5", $"#w-2;{store};{sku};writeOff;0,5;#3 broken", $"w-3;{store};{sku};writeOff;x"], ';');

        var result = Read(await ImportAsync(chain.Admin, "stock", file, "stock.csv"));

        Assert.Equal((2, 0, 1), (result.Imported, result.Skipped, result.Failed));
        Assert.Equal((4, "quantity"), (result.Failures[0].Row, result.Failures[0].Column));
        Assert.Equal(2m, await OnHandAsync(store, sku));
    }

    [Fact]
    public async Task Each_template_lists_the_columns_and_its_example_row_imports()
    {
        foreach (var format in new[] { "csv", "xlsx" })
        {
            var response = await chain.Admin.GetAsync($"/api/v1/imports/catalog/template?format={format}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var content = await response.Content.ReadAsByteArrayAsync();
            if (format == "csv")
                Assert.StartsWith("sku,name,unit,vat,price,kind,marked,barcodes\n", Encoding.UTF8.GetString(content).ReplaceLineEndings("\n"));
            var result = Read(await ImportAsync(chain.Admin, "catalog", content, $"template.{format}"));
            Assert.Equal(0, result.Failed);
            Assert.Equal(1, result.Imported + result.Skipped);
        }
        await (await chain.Admin.GetAsync("/api/v1/imports/stock/template?format=pdf")).AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed);
    }

    [Fact]
    public async Task A_whole_file_refused_changes_nothing_and_says_why()
    {
        var store = await chain.StoreAsync();
        var sku = await chain.SkuAsync();
        var tooMany = Csv("id,storeId,sku,type,quantity", Enumerable.Range(0, 200_001).Select(i => $"big-{i},{store},{sku},goodsReceipt,1"));
        var noColumn = Csv("id,storeId,sku,quantity", [$"nc-1,{store},{sku},1"]);

        var big = await chain.Admin.PostAsync("/api/v1/imports/stock", File(tooMany, "big.csv"));
        var missing = await chain.Admin.PostAsync("/api/v1/imports/stock", File(noColumn, "missing.csv"));
        var word = await chain.Admin.PostAsync("/api/v1/imports/stock", File(Encoding.UTF8.GetBytes("not a spreadsheet"), "stock.docx"));
        var broken = await chain.Admin.PostAsync("/api/v1/imports/catalog", File(Encoding.UTF8.GetBytes("not a zip"), "catalog.xlsx"));
        var unknownKind = await chain.Admin.PostAsync("/api/v1/imports/invoices", File(noColumn, "x.csv"));
        var twice = await chain.Admin.PostAsync("/api/v1/imports/stock", File(Csv("id,storeId,sku,type,quantity,Quantity", [$"t-1,{store},{sku},goodsReceipt,1,2"]), "twice.csv"));
        var torn = new ByteArrayContent(Encoding.UTF8.GetBytes("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"s.csv\"\r\n\r\nid,sto"));
        torn.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=b");
        var truncated = await chain.Admin.PostAsync("/api/v1/imports/stock", torn);

        await big.AssertProblem(HttpStatusCode.RequestEntityTooLarge, ErrorCodes.PayloadTooLarge);
        await missing.AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed);
        await word.AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed);
        await broken.AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed);
        await unknownKind.AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed);
        await twice.AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed);
        await truncated.AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed);
        Assert.Equal(0m, await OnHandAsync(store, sku));
    }

    [Fact]
    public async Task A_manager_imports_only_into_its_stores_and_may_not_import_the_catalog()
    {
        var (mine, other) = (await chain.StoreAsync(), await chain.StoreAsync());
        var sku = await chain.SkuAsync();
        var (_, _, manager) = await chain.KeyAsync("manager", [mine]);
        var file = Csv("id,storeId,sku,type,quantity", [$"m-1,{mine},{sku},goodsReceipt,3", $"m-2,{other},{sku},goodsReceipt,4"]);

        var result = Read(await ImportAsync(manager, "stock", file, "stock.csv"));
        var catalog = await manager.PostAsync("/api/v1/imports/catalog", File(Csv("sku,name,unit,vat,price,kind", ["x-1,X,pcs,vat10,1,goods"]), "c.csv"));

        Assert.Equal((1, 0, 1), (result.Imported, result.Skipped, result.Failed));
        Assert.Equal((3, "storeId", ErrorCodes.Forbidden), Assert.Single(result.Failures));
        Assert.Equal((3m, 0m), (await OnHandAsync(mine, sku), await OnHandAsync(other, sku)));
        await catalog.AssertProblem(HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
    }

    [Fact]
    public async Task A_stores_stock_exports_as_csv_and_xlsx_with_the_levels_the_api_shows()
    {
        var store = await chain.StoreAsync();
        var (a, b) = (await chain.SkuAsync(), await chain.SkuAsync());
        await chain.ReceiveAsync(store, a, 12.5m);
        await chain.ReceiveAsync(store, b, 3m);

        var csv = await (await chain.Admin.GetAsync($"/api/v1/exports/stock?storeId={store}&format=csv")).Content.ReadAsStringAsync();
        var xlsx = await (await chain.Admin.GetAsync($"/api/v1/exports/stock?storeId={store}&format=xlsx")).Content.ReadAsByteArrayAsync();

        var lines = csv.ReplaceLineEndings("\n").Trim().Split('\n');
        Assert.Equal("storeId,sku,onHand,reserved,available,incoming,version", lines[0]);
        Assert.Equal(new[] { $"{store},{a},12.5,0,12.5,0,1", $"{store},{b},3,0,3,0,1" }.Order(StringComparer.Ordinal), lines[1..]);
        var sheet = new MemoryStream(xlsx).Query(useHeaderRow: true, excelType: ExcelType.XLSX).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal([12.5m, 3m], sheet.OrderBy(r => r["sku"] as string == a ? 0 : 1).Select(r => Convert.ToDecimal(r["onHand"])));
        await (await chain.Admin.GetAsync("/api/v1/exports/stock?storeId=no-such-store")).AssertProblem(HttpStatusCode.NotFound, ErrorCodes.UnknownStore);
    }

    private async Task<decimal> ReservedAsync(string store, string sku) =>
        (await (await chain.Admin.GetAsync($"/api/v1/stores/{store}/stock/{sku}")).ReadOk<JsonElement>()).GetProperty("reserved").GetDecimal();

    [Theory]
    [InlineData("csv")]
    [InlineData("xlsx")]
    public async Task Ten_thousand_orders_reserve_their_stock_once_with_bad_rows_reported_by_number(string format)
    {
        var store = await chain.StoreAsync();
        var (a, b, scarce) = (await chain.SkuAsync(), await chain.SkuAsync(), await chain.SkuAsync());
        await chain.ReceiveAsync(store, a, 100_000);
        await chain.ReceiveAsync(store, b, 100_000);
        await chain.ReceiveAsync(store, scarce, 1);
        var prefix = TestChain.NewId("web");
        // Order i has one line of a; every tenth has a second line of b, two rows further down the file.
        var rows = new List<Dictionary<string, object?>>();
        for (var i = 0; i < 10_000; i++)
        {
            rows.Add(new() { ["orderId"] = $"{prefix}-{i}", ["storeId"] = store, ["sku"] = a, ["quantity"] = "2", ["price"] = "100", ["email"] = $"b{i}@example.ru", ["crmDealId"] = $"deal-{i}" });
            if (i % 10 == 0)
                rows.Add(new() { ["orderId"] = $"{prefix}-{i}", ["storeId"] = store, ["sku"] = b, ["quantity"] = "1", ["price"] = "50" });
        }
        rows[7]["quantity"] = "two";                     // row 9, order 6: fails whole
        rows[300]["sku"] = "no-such-sku";                 // row 302, an order's only line
        rows.Add(new() { ["orderId"] = $"{prefix}-scarce", ["storeId"] = store, ["sku"] = scarce, ["quantity"] = "5", ["price"] = "10", ["email"] = "s@example.ru" });
        var badOrders = new[] { rows[7]["orderId"], rows[300]["orderId"] };
        var content = format == "csv"
            ? Csv("orderId,storeId,sku,quantity,price,email,phone,crmDealId,reserveMinutes",
                rows.Select(r => string.Join(",", new[] { "orderId", "storeId", "sku", "quantity", "price", "email", "phone", "crmDealId", "reserveMinutes" }.Select(c => r.GetValueOrDefault(c) as string ?? ""))))
            : Xlsx(rows.Select(r => new[] { "orderId", "storeId", "sku", "quantity", "price", "email", "phone", "crmDealId", "reserveMinutes" }.ToDictionary(c => c, c => r.GetValueOrDefault(c))));

        var first = Read(await ImportAsync(chain.Admin, "orders", content, $"orders.{format}"));
        var again = Read(await ImportAsync(chain.Admin, "orders", content, $"orders.{format}"));

        Assert.Equal([(9, "quantity", ErrorCodes.ValidationFailed), (302, (string?)null, ErrorCodes.UnknownSku), (rows.Count + 1, null, ErrorCodes.InsufficientStock)],
            first.Failures.Select(f => (f.Row, f.Code == ErrorCodes.ValidationFailed ? f.Column : null, f.Code)).ToList());
        Assert.Equal((9_998, 0, 3), (first.Imported, first.Skipped, first.Failed));
        Assert.Equal((0, 9_998, 3), (again.Imported, again.Skipped, again.Failed));
        var good = rows.Where(r => !badOrders.Contains(r["orderId"]) && r["sku"] as string != scarce).ToList();
        Assert.Equal(good.Where(r => (string)r["sku"]! == a).Sum(r => decimal.Parse((string)r["quantity"]!)), await ReservedAsync(store, a));
        Assert.Equal(good.Where(r => (string)r["sku"]! == b).Sum(r => decimal.Parse((string)r["quantity"]!)), await ReservedAsync(store, b));
        Assert.Equal(0m, await ReservedAsync(store, scarce));
        var order = await (await chain.Admin.GetAsync($"/api/v1/orders/{prefix}-10")).ReadOk<JsonElement>();
        Assert.Equal(2, order.GetProperty("lines").GetArrayLength());
        Assert.Equal("deal-10", order.GetProperty("crmDealId").GetString());
    }

    [Fact]
    public async Task A_stores_movements_export_in_version_order_within_the_period_asked()
    {
        var store = await chain.StoreAsync();
        var sku = await chain.SkuAsync();
        var file = Csv("id,storeId,sku,type,quantity,reason", [$"x-1,{store},{sku},goodsReceipt,10,delivery", $"x-2,{store},{sku},writeOff,3,=1+2"]);
        Assert.Equal(2, Read(await ImportAsync(chain.Admin, "stock", file, "stock.csv")).Imported);
        var from = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
        var later = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));

        var all = await (await chain.Admin.GetAsync($"/api/v1/exports/movements?storeId={store}&from={from}")).Content.ReadAsStringAsync();
        var none = await (await chain.Admin.GetAsync($"/api/v1/exports/movements?storeId={store}&from={later}")).Content.ReadAsStringAsync();
        var xlsx = await (await chain.Admin.GetAsync($"/api/v1/exports/movements?storeId={store}&format=xlsx")).Content.ReadAsByteArrayAsync();

        var lines = all.ReplaceLineEndings("\n").Trim().Split('\n');
        Assert.StartsWith("storeId,sku,version,id,type,quantity,onHandDelta", lines[0]);
        Assert.Equal([$"{store},{sku},1,x-1,goodsReceipt,10,10", $"{store},{sku},2,x-2,writeOff,3,-3"], lines[1..].Select(l => string.Join(",", l.Split(',')[..7])));
        // A reason a spreadsheet would run as a formula is exported inert; the negative number stays a number.
        Assert.Contains(",'=1+2,", lines[2]);
        Assert.Single(none.ReplaceLineEndings("\n").Trim().Split('\n'));
        var sheet = new MemoryStream(xlsx).Query(useHeaderRow: true, excelType: ExcelType.XLSX).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(["x-1", "x-2"], sheet.Select(r => r["id"] as string));
        await (await chain.Admin.GetAsync($"/api/v1/exports/movements?storeId={store}&from=yesterday")).AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed);
    }

    [Fact]
    public async Task A_catalog_row_for_a_dish_keeps_its_recipe_and_supply_terms_and_is_skipped_when_unchanged()
    {
        var flour = await chain.SkuAsync();
        var dish = TestChain.NewId("dish");
        (await chain.Admin.PutJson($"/api/v1/skus/{dish}", new
        {
            name = "Pie", unit = "pcs", vat = "vat10", price = 150, kind = "dish", components = new[] { new { sku = flour, quantity = 0.2m } },
            supply = new { leadTimeDays = 5 },
        })).EnsureSuccessStatusCode();
        var unchanged = Csv("sku,name,unit,vat,price,kind", [$"{dish},Pie,pcs,vat10,150,dish"]);
        var repriced = Csv("sku,name,unit,vat,price,kind", [$"{dish},Pie,pcs,vat10,160,dish"]);

        var same = Read(await ImportAsync(chain.Admin, "catalog", unchanged, "c.csv"));
        var changed = Read(await ImportAsync(chain.Admin, "catalog", repriced, "c.csv"));

        Assert.Equal((0, 1, 0), (same.Imported, same.Skipped, same.Failed));
        Assert.Equal((1, 0, 0), (changed.Imported, changed.Skipped, changed.Failed));
        var sku = await (await chain.Admin.GetAsync($"/api/v1/skus/{dish}")).ReadOk<JsonElement>();
        Assert.Equal(160m, sku.GetProperty("price").GetDecimal());
        Assert.Equal(flour, Assert.Single(sku.GetProperty("components").EnumerateArray()).GetProperty("sku").GetString());
        Assert.Equal(5, sku.GetProperty("supply").GetProperty("leadTimeDays").GetInt32());
    }
}
