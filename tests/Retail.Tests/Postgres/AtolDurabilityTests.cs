using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Retail.Integrations;
using Retail.Stock;
using Retail.Tests.Http;
using Retail.Tests.Integrations;

namespace Retail.Tests.Postgres;

/// <summary>The API on PostgreSQL (as for webhooks) whose registers can be held back (<see cref="HeldFiscalization"/>).</summary>
public sealed class PostgresAtolApiFactory(string connectionString, string clusterId) : PostgresWebhookApiFactory(connectionString, clusterId)
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IIncomingGrainCallFilter, HeldFiscalization>());
    }
}

/// <summary>A web shop's receipt accepted in PostgreSQL survives the process that took it, and is fiscalized exactly once after.</summary>
[Collection(PostgresServer.Collection)]
public sealed class AtolDurabilityTests(PostgresServer server)
{
    private static JsonObject Sell(string externalId, string inn) => JsonNode.Parse($$$"""
        {"external_id":"{{{externalId}}}","timestamp":"03.12.2026 10:00:00",
         "receipt":{"client":{"email":"buyer@example.ru"},
          "company":{"sno":"osn","inn":"{{{inn}}}","payment_address":"https://shop.example"},
          "items":[{"name":"Kefir","price":100.00,"quantity":2,"sum":200.00,"payment_method":"full_payment","payment_object":"commodity","vat":{"type":"vat10"},"user_data":"placeholder"}],
          "payments":[{"type":1,"sum":200.0}],"total":200.0}}
        """)!.AsObject();

    [Fact]
    public async Task A_receipt_accepted_while_its_register_was_away_is_fiscalized_once_by_the_next_process()
    {
        var database = await server.CreateDatabaseAsync();
        var cluster = "atol-" + Guid.NewGuid().ToString("N")[..8];
        string store, sku, register, uuid, token;
        JsonObject body;
        await using (var first = new PostgresAtolApiFactory(database, cluster))
        {
            var chain = new TestChain(first);
            (store, sku) = (await chain.StoreAsync(), await chain.SkuAsync());
            await chain.ReceiveAsync(store, sku, 10);
            register = await chain.RegisterAsync(store, openShift: false);
            var (keyId, keyToken, _) = await chain.KeyAsync("integration", [store]);
            var plugin = first.CreateClient();
            token = (string)(await (await plugin.PostAsJsonAsync("/possystem/v4/getToken", new { login = keyId, pass = keyToken })).Content.ReadFromJsonAsync<JsonObject>())!["token"]!;
            plugin.DefaultRequestHeaders.Add("Token", token);
            body = Sell(TestChain.NewId("ord"), "7707083893");
            body["receipt"]!["items"]![0]!["user_data"] = sku;

            HeldFiscalization.Hold(register);
            try
            {
                var sold = await plugin.PostAsJsonAsync($"/possystem/v4/{register}/sell", body);
                Assert.Equal(HttpStatusCode.OK, sold.StatusCode);
                uuid = (string)(await sold.Content.ReadFromJsonAsync<JsonObject>())!["uuid"]!;
                var waiting = (await (await plugin.GetAsync($"/possystem/v4/{register}/report/{uuid}")).Content.ReadFromJsonAsync<JsonObject>())!;
                Assert.Equal(("wait", 34), ((string)waiting["status"]!, (int)waiting["error"]!["code"]!));
            }
            finally
            {
                HeldFiscalization.Release(register);
            }
        }

        // A new process: the token from the first still works (it is checked against the key, not a session), the report fiscalizes the receipt.
        await using var second = new PostgresAtolApiFactory(database, cluster);
        var again = second.CreateClient();
        again.DefaultRequestHeaders.Add("Token", token);
        var resent = (await (await again.PostAsJsonAsync($"/possystem/v4/{register}/sell", body)).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(uuid, (string)resent["uuid"]!);
        var report = (await (await again.GetAsync($"/possystem/v4/{register}/report/{uuid}")).Content.ReadFromJsonAsync<JsonObject>())!;
        var reported = (await (await again.GetAsync($"/possystem/v4/{register}/report/{uuid}")).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(("done", "done"), ((string)report["status"]!, (string)reported["status"]!));
        Assert.Equal((long)report["payload"]!["fiscal_document_number"]!, (long)reported["payload"]!["fiscal_document_number"]!);

        var admin = new TestChain(second).Admin;
        Assert.Equal(8m, (await (await admin.GetAsync($"/api/v1/stores/{store}/stock/{sku}")).ReadOk<StockLevel>()).OnHand);
        await using var data = NpgsqlDataSource.Create(database);
        await using var count = data.CreateCommand("SELECT count(*) FROM register_journal WHERE register_id = @r AND kind = 'receipt'");
        count.Parameters.AddWithValue("r", register);
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }
}
