using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;

namespace Retail.Tests.Http;

/// <summary>
/// Random JSON for the request bodies of the write endpoints: junk of any shape, and valid bodies
/// with a part swapped for junk, dropped, added to or cut off.
/// </summary>
public static class JsonFuzz
{
    private static readonly string[] Words =
    [
        "sell", "sellRefund", "goodsReceipt", "writeOff", "correction", "sale", "reserve", "cash", "electronic", "osn", "patent",
        "usn_income", "vat22", "vat20", "none", "pcs", "kg", "goods", "dish", "emulated", "device", "manager", "Sell", "GOODSRECEIPT",
        "", " ", "null", "true", "0", "-1", "1e309", "NaN", "Infinity", "\0", "\ud800", "\udfff", "😀", "Ⅻ", "١٢٣", "../../x", "<b>",
        "%00", "' OR 1=1 --", "Europe/Moscow", "Mars/Olympus", "7707083893", "0000000000", new string('x', 300), new string('я', 5000),
    ];

    private static readonly string[] Numbers =
    [
        "0", "-0", "1", "-1", "0.5", "1.0005", "1e3", "1E-3", "1e309", "-1e309", "1e-400", "79228162514264337593543950335",
        "79228162514264337593543950336", "-79228162514264337593543950336", "0.0000000000000000000000000001", "0.00000000000000000000000000001",
        "999999999999", "1000000001", "123456789012345678901234567890", "3.14159265358979323846264338327950288", "2147483648",
        "-2147483649", "9223372036854775808", "1.7976931348623157e308", "4.9e-324", "100.00", "0.001", "-0.001",
    ];

    private static readonly string[] Keys =
    [
        "id", "type", "quantity", "reason", "occurredAt", "name", "address", "timeZone", "inn", "taxationSystem", "unit", "vat", "price",
        "kind", "marked", "barcodes", "components", "sku", "storeId", "mode", "operation", "items", "payments", "amount", "customer",
        "email", "phone", "markingCode", "cashier", "role", "storeIds", "registerIds", "$type", "__proto__", "", "ID", "Quantity",
    ];

    private static readonly JsonDocumentOptions Strict = new() { MaxDepth = 1000, AllowDuplicateProperties = false };

    private static Gen<string> Text =>
        Gen.OneOf(
            Gen.Elements(Words),
            Gen.ArrayOf(Gen.Choose(1, 0xFFFF).Select(c => (char)c)).Select(chars => new string(chars)));

    private static Gen<string> Scalar =>
        Gen.OneOf(
            Gen.Elements("null", "true", "false"),
            Gen.Elements(Numbers),
            Gen.Choose(int.MinValue, int.MaxValue).Select(n => n.ToString()),
            Text.Select(s => JsonSerializer.Serialize(s)));

    /// <summary>Any JSON value, nested up to <paramref name="depth"/> levels, now and then far deeper.</summary>
    public static Gen<string> Value(int depth) =>
        depth <= 0
            ? Scalar
            : Gen.Frequency(
                (6, Scalar),
                (2, UpTo(4, Value(depth - 1)).Select(items => "[" + string.Join(",", items) + "]")),
                (2, UpTo(4, Gen.Zip(Gen.OneOf(Gen.Elements(Keys), Text), Value(depth - 1)))
                    .Select(fields => "{" + string.Join(",", fields.Select(f => JsonSerializer.Serialize(f.Item1) + ":" + f.Item2)) + "}")),
                (1, Gen.Choose(20, 300).Select(n => new string('[', n) + new string(']', n))));

    private static Gen<List<T>> UpTo<T>(int most, Gen<T> item) => Gen.Choose(0, most).SelectMany(n => Gen.ListOf(item, n));

    /// <summary>A valid body with one or two parts swapped for junk, dropped, added or wrapped; sometimes cut off or garbled.</summary>
    public static Gen<string> Mutated(string valid) =>
        from count in Gen.Choose(1, 2)
        from edits in Gen.ListOf(
            from kind in Gen.Choose(0, 3)
            from pick in Gen.Choose(0, 10_000)
            from junk in Value(2)
            select (kind, pick, junk), count)
        from damage in Gen.Frequency((8, Gen.Constant(-1)), (1, Gen.Choose(0, 10_000)))
        select Damage(edits.Aggregate(valid, (json, edit) => Edit(json, edit.kind, edit.pick, edit.junk)), damage);

    /// <summary>Mostly near-valid bodies (they reach the deeper checks), the rest any JSON at all.</summary>
    public static Gen<string> Body(string valid) => Gen.Frequency((4, Mutated(valid)), (1, Value(3)));

    private static string Edit(string json, int kind, int pick, string junk)
    {
        var root = JsonNode.Parse(json, documentOptions: Strict)!;
        var places = Places(root).ToList();
        if (places.Count == 0)
            return junk;
        var (parent, name, index) = places[pick % places.Count];
        JsonNode? replacement;
        try
        {
            replacement = JsonNode.Parse(junk, documentOptions: Strict);
        }
        catch (JsonException)
        {
            // Junk with a repeated name cannot be a node; the raw-junk bodies still carry such objects.
            replacement = junk;
        }
        switch (kind, parent)
        {
            case (0, JsonObject o):
                o[name!] = replacement;
                break;
            case (0, JsonArray a):
                a[index] = replacement;
                break;
            case (1, JsonObject o):
                o.Remove(name!);
                break;
            case (1, JsonArray a):
                a.RemoveAt(index);
                break;
            case (2, JsonObject o):
                o[Keys[pick % Keys.Length]] = replacement;
                break;
            case (2, JsonArray a):
                a.Add(replacement);
                break;
            case (_, JsonObject o):
                o[name!] = new JsonArray(o[name!]?.DeepClone());
                break;
            case (_, JsonArray a):
                a[index] = new JsonObject { ["value"] = a[index]?.DeepClone() };
                break;
        }
        return root.ToJsonString();
    }

    private static IEnumerable<(JsonNode Parent, string? Name, int Index)> Places(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, child) in o.ToList())
                {
                    yield return (o, name, -1);
                    if (child is not null)
                        foreach (var place in Places(child))
                            yield return place;
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    yield return (a, null, i);
                    if (a[i] is { } child)
                        foreach (var place in Places(child))
                            yield return place;
                }
                break;
        }
    }

    private static string Damage(string json, int at) =>
        at < 0 || json.Length == 0 ? json
        : (at % 3) switch
        {
            0 => json[..(at % json.Length)],
            1 => json + ",}",
            _ => json.Remove(at % json.Length, 1).Insert(at % json.Length, "\"'\\"[at % 3].ToString()),
        };
}

[Collection(ApiCollection.Name)]
public sealed class FuzzTests(ApiFactory api)
{
    /// <summary>RETAIL_FUZZ_SEED and RETAIL_FUZZ_COUNT explore further; the defaults keep CI repeatable.</summary>
    private static readonly ulong Seed = ulong.TryParse(Environment.GetEnvironmentVariable("RETAIL_FUZZ_SEED"), out var seed) ? seed : 20_260_101;
    private static readonly int Count = int.TryParse(Environment.GetEnvironmentVariable("RETAIL_FUZZ_COUNT"), out var count) ? count : 150;

    private readonly TestChain chain = new(api);

    public static TheoryData<string> Endpoints => new() { "movement", "store", "sku", "register", "receipt", "openShift", "closeShift", "apiKey" };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Random_json_is_never_a_5xx_always_a_problem_with_a_code_and_a_refusal_changes_nothing(string endpoint)
    {
        var store = await chain.StoreAsync();
        var (sku, part) = (await chain.SkuAsync(), await chain.SkuAsync());
        await chain.ReceiveAsync(store, sku, 10);
        var register = await chain.RegisterAsync(store);
        (await chain.Admin.PostJson($"/api/v1/registers/{register}/receipts", TestChain.Sale("seed", sku))).EnsureSuccessStatusCode();
        var (method, path, valid) = endpoint switch
        {
            "movement" => (HttpMethod.Post, $"/api/v1/stores/{store}/stock/{sku}/movements", """{"id":"m-1","type":"goodsReceipt","quantity":2.5,"reason":"delivery","occurredAt":"2026-01-05T10:00:00+03:00"}"""),
            "store" => (HttpMethod.Put, $"/api/v1/stores/{store}", """{"name":"Store","address":"Moscow","timeZone":"Europe/Moscow","inn":"7707083893","taxationSystem":"osn"}"""),
            "sku" => (HttpMethod.Put, $"/api/v1/skus/{sku}", $$"""{"name":"Kefir","unit":"pcs","vat":"vat22","price":100,"kind":"dish","marked":false,"barcodes":["4600000000017"],"components":[{"sku":"{{part}}","quantity":0.2}]}"""),
            "register" => (HttpMethod.Put, $"/api/v1/registers/{register}", $$"""{"storeId":"{{store}}","mode":"emulated"}"""),
            "receipt" => (HttpMethod.Post, $"/api/v1/registers/{register}/receipts", $$"""{"id":"r-1","customer":{"email":"a@b.ru","phone":"+79990000000"},"operation":"sell","items":[{"sku":"{{sku}}","quantity":1.5,"price":100,"markingCode":null}],"payments":[{"type":"cash","amount":100},{"type":"electronic","amount":50}]}"""),
            "openShift" => (HttpMethod.Post, $"/api/v1/registers/{register}/shifts/open", """{"cashier":{"name":"Ivanova","inn":"500100732259"}}"""),
            "closeShift" => (HttpMethod.Post, $"/api/v1/registers/{register}/shifts/close", """{"cashier":{"name":"Ivanova"}}"""),
            _ => (HttpMethod.Post, "/api/v1/api-keys", $$"""{"role":"manager","storeIds":["{{store}}"],"registerIds":[]}"""),
        };
        var bodies = Gen.Sample(JsonFuzz.Body(valid), Count, new Rnd(Seed + (ulong)endpoint.Sum(c => c)), 30);
        var before = await SnapshotAsync(store, sku, register);
        var outcomes = new Dictionary<string, int>();

        foreach (var body in bodies)
        {
            using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
            using var response = await chain.Admin.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var context = $"seed {Seed}, {method} {path}, body {Shorten(body)}: {(int)response.StatusCode} {Shorten(text)}";

            Assert.True((int)response.StatusCode < 500, context);
            if (response.IsSuccessStatusCode)
            {
                outcomes["2xx"] = outcomes.GetValueOrDefault("2xx") + 1;
                // A mutation that is still a valid request: it may change things, so it is the new baseline.
                before = await SnapshotAsync(store, sku, register);
                continue;
            }
            Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", context);
            Assert.True(JsonDocument.Parse(text).RootElement.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String, context);
            outcomes[code.GetString()!] = outcomes.GetValueOrDefault(code.GetString()!) + 1;
            Assert.True(before == await SnapshotAsync(store, sku, register), "Refused but changed: " + context);
        }
        // The generator reaches past the first check: refusals of more than one kind, or some accepted mutations.
        Assert.True(outcomes.Count >= 2, string.Join(", ", outcomes.Select(o => $"{o.Key}: {o.Value}")));
    }

    public static TheoryData<string, string, string> Nasties => new()
    {
        // Found by the fuzzer: a null recipe component was a 500.
        { "PUT", "/api/v1/skus/{sku}", """{"name":"K","unit":"pcs","vat":"vat22","price":1,"kind":"dish","components":[null]}""" },
        { "PUT", "/api/v1/skus/{sku}", """{"name":"K","unit":"pcs","vat":"vat22","price":1,"kind":"goods","barcodes":[null]}""" },
        { "POST", "/api/v1/registers/{register}/receipts", """{"id":"n","operation":"sell","items":[null],"payments":[null]}""" },
        { "POST", "/api/v1/registers/{register}/receipts", """{"id":"\ud800","operation":"sell","items":[{"sku":"{sku}","quantity":1,"price":1}],"payments":[{"type":"cash","amount":1}]}""" },
        { "POST", "/api/v1/api-keys", """{"role":"cashier","registerIds":[null]}""" },
        { "POST", "/api/v1/stores/{store}/stock/{sku}/movements", """{"id":"m","type":"goodsReceipt","quantity":79228162514264337593543950336}""" },
        { "POST", "/api/v1/stores/{store}/stock/{sku}/movements", new string('[', 5000) + new string(']', 5000) },
    };

    [Theory]
    [MemberData(nameof(Nasties))]
    public async Task Known_nasty_bodies_are_refused_as_problems_and_change_nothing(string method, string path, string body)
    {
        var store = await chain.StoreAsync();
        var sku = await chain.SkuAsync();
        var register = await chain.RegisterAsync(store);
        var before = await SnapshotAsync(store, sku, register);
        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{store}", store).Replace("{sku}", sku).Replace("{register}", register))
        {
            Content = new StringContent(body.Replace("{sku}", sku), System.Text.Encoding.UTF8, "application/json"),
        };

        using var response = await chain.Admin.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{(int)response.StatusCode} {text}");
        Assert.True(JsonDocument.Parse(text).RootElement.TryGetProperty("code", out _), text);
        Assert.Equal(before, await SnapshotAsync(store, sku, register));
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + $"...({text.Length} chars)";

    /// <summary>Stock, store, SKU, register (its fiscal numbers and shift; the OFD backlog drains by itself) and the number of keys.</summary>
    private async Task<string> SnapshotAsync(string store, string sku, string register)
    {
        async Task<string> Read(string path)
        {
            using var response = await chain.Admin.GetAsync(path);
            response.EnsureSuccessStatusCode();
            var node = JsonNode.Parse(await response.Content.ReadAsStringAsync());
            if (node is JsonObject view)
                view.Remove("ofd");
            return node is JsonArray keys ? keys.Count.ToString() : node?.ToJsonString() ?? "";
        }
        var parts = await Task.WhenAll(Read($"/api/v1/stores/{store}/stock/{sku}"), Read($"/api/v1/stores/{store}"), Read($"/api/v1/skus/{sku}"),
            Read($"/api/v1/registers/{register}"), Read("/api/v1/api-keys"));
        return string.Join("\n", parts);
    }
}
