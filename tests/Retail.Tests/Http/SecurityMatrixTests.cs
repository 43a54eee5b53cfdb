using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Retail.Common;

namespace Retail.Tests.Http;

/// <summary>
/// Every endpoint, called by every role inside and outside its scope, by no token and by a wrong
/// one: exactly the expected 2xx, 401 or 403, and a refused call changes nothing.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class SecurityMatrixTests(ApiFactory api)
{
    private enum Scope { None, Store, Register }

    /// <summary>Two stores with a register each; keys scoped to the first; a spare key to list and revoke.</summary>
    private sealed record World(
        string StoreA, string StoreB, string Sku, string RegisterA, string RegisterB,
        Dictionary<string, HttpClient> Callers, string SpareKeyId);

    private sealed record Endpoint(
        string Name, HttpMethod Method, string Path, Func<World, string, string, object?> Body,
        string[] Roles, Scope Scope, HttpStatusCode Success, Func<HttpClient, string, Task>? Prepare = null);

    private static readonly string[] AnyRole = ["manager", "cashier", "integration"];

    private static object? NoBody(World _, string __, string ___) => null;

    private static readonly Endpoint[] Endpoints =
    [
        new("IssueApiKey", HttpMethod.Post, "/api/v1/api-keys", (_, store, _) => new { role = "manager", storeIds = new[] { store } }, [], Scope.None, HttpStatusCode.Created),
        new("ListApiKeys", HttpMethod.Get, "/api/v1/api-keys", NoBody, [], Scope.None, HttpStatusCode.OK),
        new("GetApiKey", HttpMethod.Get, "/api/v1/api-keys/{key}", NoBody, [], Scope.None, HttpStatusCode.OK),
        new("RevokeApiKey", HttpMethod.Delete, "/api/v1/api-keys/{key}", NoBody, [], Scope.None, HttpStatusCode.NoContent),
        new("PutStore", HttpMethod.Put, "/api/v1/stores/{store}",
            (_, _, _) => new { name = "Renamed", address = "Kazan", timeZone = "Europe/Samara", inn = "7707083893", taxationSystem = "patent" }, [], Scope.None, HttpStatusCode.OK),
        new("ListStores", HttpMethod.Get, "/api/v1/stores", NoBody, AnyRole, Scope.None, HttpStatusCode.OK),
        new("GetStore", HttpMethod.Get, "/api/v1/stores/{store}", NoBody, AnyRole, Scope.None, HttpStatusCode.OK),
        new("PutSku", HttpMethod.Put, "/api/v1/skus/{sku}", (_, _, _) => new { name = "Renamed", unit = "kg", vat = "vat10", price = 1, kind = "goods" }, [], Scope.None, HttpStatusCode.OK),
        new("GetSku", HttpMethod.Get, "/api/v1/skus/{sku}", NoBody, AnyRole, Scope.None, HttpStatusCode.OK),
        new("GetStock", HttpMethod.Get, "/api/v1/stores/{store}/stock/{sku}", NoBody, ["manager", "cashier"], Scope.Store, HttpStatusCode.OK),
        new("ListStoreStock", HttpMethod.Get, "/api/v1/stores/{store}/stock", NoBody, ["manager", "cashier"], Scope.Store, HttpStatusCode.OK),
        new("GetChainStock", HttpMethod.Get, "/api/v1/skus/{sku}/stock", NoBody, [], Scope.None, HttpStatusCode.OK),
        new("PostMovement", HttpMethod.Post, "/api/v1/stores/{store}/stock/{sku}/movements",
            (_, _, _) => new { id = Guid.NewGuid().ToString(), type = "writeOff", quantity = 1 }, ["manager"], Scope.Store, HttpStatusCode.OK),
        new("GetMovements", HttpMethod.Get, "/api/v1/stores/{store}/stock/{sku}/movements", NoBody, ["manager", "cashier"], Scope.Store, HttpStatusCode.OK),
        new("StreamStockEvents", HttpMethod.Get, "/api/v1/stores/{store}/stock/events", NoBody, ["manager", "cashier"], Scope.Store, HttpStatusCode.OK),
        new("PutRegister", HttpMethod.Put, "/api/v1/registers/{register}", (w, store, _) => new { storeId = store }, [], Scope.Register, HttpStatusCode.OK),
        new("GetRegister", HttpMethod.Get, "/api/v1/registers/{register}", NoBody, ["cashier"], Scope.Register, HttpStatusCode.OK),
        new("OpenShift", HttpMethod.Post, "/api/v1/registers/{register}/shifts/open", (_, _, _) => new { cashier = new { name = "Petrova" } }, ["cashier"], Scope.Register, HttpStatusCode.OK,
            Prepare: async (admin, register) => (await admin.PostAsync($"/api/v1/registers/{register}/shifts/close", null)).EnsureSuccessStatusCode()),
        new("CloseShift", HttpMethod.Post, "/api/v1/registers/{register}/shifts/close", NoBody, ["cashier"], Scope.Register, HttpStatusCode.OK),
        new("ReportState", HttpMethod.Post, "/api/v1/registers/{register}/reports/current-state", NoBody, ["cashier"], Scope.Register, HttpStatusCode.OK),
        new("PostReceipt", HttpMethod.Post, "/api/v1/registers/{register}/receipts", (w, _, _) => TestChain.Sale(Guid.NewGuid().ToString(), w.Sku), ["cashier"], Scope.Register, HttpStatusCode.Created),
        new("GetReceipt", HttpMethod.Get, "/api/v1/registers/{register}/receipts/seed", NoBody, ["cashier"], Scope.Register, HttpStatusCode.OK),
        new("SetOfdReachable", HttpMethod.Put, "/api/v1/registers/{register}/ofd", (_, _, _) => new { reachable = false }, [], Scope.Register, HttpStatusCode.OK),
        new("DeliverToOfd", HttpMethod.Post, "/api/v1/registers/{register}/ofd/deliver", NoBody, ["cashier"], Scope.Register, HttpStatusCode.OK),
    ];

    private static readonly string[] Callers = ["admin", "manager", "cashier", "integration"];

    public static TheoryData<string, string, string> Cases()
    {
        var cases = new TheoryData<string, string, string>();
        foreach (var endpoint in Endpoints)
        {
            foreach (var caller in Callers)
            {
                cases.Add(endpoint.Name, caller, "own");
                cases.Add(endpoint.Name, caller, "other");
            }
            cases.Add(endpoint.Name, "none", "own");
            cases.Add(endpoint.Name, "wrong", "own");
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_endpoint_answers_each_caller_exactly_as_its_role_and_scope_allow(string endpointName, string caller, string target)
    {
        var endpoint = Endpoints.Single(e => e.Name == endpointName);
        var world = await WorldAsync();
        var (store, register) = target == "own" ? (world.StoreA, world.RegisterA) : (world.StoreB, world.RegisterB);
        if (endpoint.Prepare is not null)
            await endpoint.Prepare(world.Callers["admin"], register);
        var expected = Expected(endpoint, caller, target);
        var before = await SnapshotAsync(world);

        var status = await CallAsync(world, endpoint, caller, store, register);

        Assert.True(expected == status, $"{endpoint.Method} {endpoint.Path} by {caller} on its {target} target: expected {expected}, got {status}");
        if (expected is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            Assert.Equal(before, await SnapshotAsync(world));
    }

    /// <summary>Admins may do anything; others what their role allows, inside their scope; nobody without a valid token.</summary>
    private static HttpStatusCode Expected(Endpoint endpoint, string caller, string target) => caller switch
    {
        "none" or "wrong" => HttpStatusCode.Unauthorized,
        "admin" => endpoint.Success,
        _ when !endpoint.Roles.Contains(caller) => HttpStatusCode.Forbidden,
        _ when endpoint.Scope != Scope.None && target == "other" => HttpStatusCode.Forbidden,
        _ => endpoint.Success,
    };

    private async Task<HttpStatusCode> CallAsync(World world, Endpoint endpoint, string caller, string store, string register)
    {
        var path = endpoint.Path.Replace("{store}", store).Replace("{register}", register).Replace("{sku}", world.Sku).Replace("{key}", world.SpareKeyId);
        using var request = new HttpRequestMessage(endpoint.Method, path);
        if (endpoint.Body(world, store, register) is { } body)
            request.Content = JsonContent.Create(body, options: ApiFactory.Json);
        // The event stream never ends: its status line and headers are the answer.
        using var response = await world.Callers[caller].SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.True(problem.TryGetProperty("code", out _));
        }
        return response.StatusCode;
    }

    private async Task<World> WorldAsync()
    {
        var chain = new TestChain(api);
        var (storeA, storeB, sku) = (await chain.StoreAsync(), await chain.StoreAsync(), await chain.SkuAsync());
        await Task.WhenAll(chain.ReceiveAsync(storeA, sku, 50), chain.ReceiveAsync(storeB, sku, 50));
        var registers = await Task.WhenAll(chain.RegisterAsync(storeA), chain.RegisterAsync(storeB));
        foreach (var register in registers)
            (await chain.Admin.PostJson($"/api/v1/registers/{register}/receipts", TestChain.Sale("seed", sku))).EnsureSuccessStatusCode();
        var keys = await Task.WhenAll(
            chain.KeyAsync("manager", storeIds: [storeA]),
            chain.KeyAsync("cashier", registerIds: [registers[0]]),
            chain.KeyAsync("integration", storeIds: [storeA]),
            chain.KeyAsync("integration", storeIds: [storeB]));
        var callers = new Dictionary<string, HttpClient>
        {
            ["admin"] = chain.Admin,
            ["manager"] = keys[0].Client,
            ["cashier"] = keys[1].Client,
            ["integration"] = keys[2].Client,
            ["none"] = api.CreateClient(),
            ["wrong"] = api.WithToken(keys[0].Token + "x"),
        };
        return new World(storeA, storeB, sku, registers[0], registers[1], callers, keys[3].Id);
    }

    /// <summary>What a refused call must not change, read by the admin (the OFD backlog is left out: the emulated operator drains it by itself).</summary>
    private static async Task<string> SnapshotAsync(World world)
    {
        var admin = world.Callers["admin"];
        async Task<string> Read(string path)
        {
            using var response = await admin.GetAsync(path);
            response.EnsureSuccessStatusCode();
            var node = JsonNode.Parse(await response.Content.ReadAsStringAsync());
            if (node is JsonObject register)
                register.Remove("ofd");
            return node?.ToJsonString() ?? "";
        }
        var parts = await Task.WhenAll(
            Read($"/api/v1/stores/{world.StoreA}/stock/{world.Sku}"), Read($"/api/v1/stores/{world.StoreB}/stock/{world.Sku}"),
            Read($"/api/v1/stores/{world.StoreA}"), Read($"/api/v1/stores/{world.StoreB}"), Read($"/api/v1/skus/{world.Sku}"),
            Read($"/api/v1/registers/{world.RegisterA}"), Read($"/api/v1/registers/{world.RegisterB}"), Read("/api/v1/api-keys"));
        return string.Join("\n", parts);
    }
}
