using System.Net;
using System.Text.Json;
using Retail.Tests.Http;

namespace Retail.Tests.Operations;

[Collection(ApiCollection.Name)]
public sealed class OpenApiTests(ApiFactory api)
{
    private readonly HttpClient anonymous = api.CreateClient();

    private async Task<JsonElement> DocumentAsync() => await (await anonymous.GetAsync("/openapi/v1.json")).ReadOk<JsonElement>();

    private static IEnumerable<(string Path, string Method, JsonElement Operation)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject().SelectMany(path =>
            path.Value.EnumerateObject().Select(op => (path.Name, op.Name, op.Value)));

    [Fact]
    public async Task Every_api_operation_has_a_summary_an_id_the_bearer_scheme_and_its_refusals_as_problems()
    {
        var document = await DocumentAsync();
        var operations = Operations(document).Where(o => o.Path.StartsWith("/api/", StringComparison.Ordinal)).ToList();

        Assert.Equal("http", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("type").GetString());
        Assert.True(operations.Count >= 24, $"Only {operations.Count} operations");
        foreach (var (path, method, operation) in operations)
        {
            var name = $"{method.ToUpperInvariant()} {path}";
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()), name);
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("operationId").GetString()), name);
            Assert.StartsWith("Access: admin", operation.GetProperty("description").GetString()!.Split("\n").Last());
            Assert.True(operation.GetProperty("security")[0].TryGetProperty("bearer", out _), name);
            var responses = operation.GetProperty("responses");
            Assert.Contains(responses.EnumerateObject(), r => r.Name.StartsWith('2'));
            foreach (var status in new[] { "401", "403", "429", "503" })
                Assert.Equal("#/components/schemas/ProblemDetails",
                    responses.GetProperty(status).GetProperty("content").GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString());
            foreach (var response in responses.EnumerateObject().Where(r => r.Name.StartsWith('2') && r.Name != "204"))
                Assert.True(response.Value.TryGetProperty("content", out _), $"{name} {response.Name} has no schema");
            string[] commandsWithoutBody = ["/deliver", "/current-state", "/place", "/ship", "/cancel", "/retry"];
            if (method is "put" || (method is "post" && !commandsWithoutBody.Any(c => path.EndsWith(c, StringComparison.Ordinal))))
                Assert.True(operation.TryGetProperty("requestBody", out _), $"{name} has no request body");
        }
        var problem = document.GetProperty("components").GetProperty("schemas").GetProperty("ProblemDetails").GetProperty("properties");
        Assert.True(problem.TryGetProperty("code", out _) && problem.TryGetProperty("errors", out _));
    }

    [Fact]
    public async Task The_document_shows_who_may_call_what_and_the_stock_events_as_an_event_stream()
    {
        var document = await DocumentAsync();
        string Access(string path, string method) =>
            document.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("description").GetString()!.Split("\n").Last();

        Assert.Equal("Access: admin.", Access("/api/v1/api-keys", "post"));
        Assert.Equal("Access: admin; manager (its stores).", Access("/api/v1/stores/{storeId}/stock/{sku}/movements", "post"));
        Assert.Equal("Access: admin; manager (its stores); cashier (the stores of its registers).", Access("/api/v1/stores/{storeId}/stock/{sku}", "get"));
        Assert.Equal("Access: admin; cashier (its registers).", Access("/api/v1/registers/{registerId}/receipts", "post"));
        Assert.Equal("Access: admin; manager; cashier; integration.", Access("/api/v1/skus/{sku}", "get"));
        var events = document.GetProperty("paths").GetProperty("/api/v1/stores/{storeId}/stock/events").GetProperty("get");
        Assert.True(events.GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("text/event-stream", out _));
        Assert.Equal(["admin", "manager", "cashier", "integration"],
            document.GetProperty("components").GetProperty("schemas").GetProperty("ApiRole").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task The_interactive_reference_is_served_without_a_token()
    {
        var page = await anonymous.GetAsync("/scalar/");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("openapi/v1.json", html);
        // The script is megabytes; its status and type are what this test is about, not its bytes.
        using var script = await anonymous.GetAsync("/scalar/scalar.js", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Contains("javascript", script.Content.Headers.ContentType?.MediaType);
    }
}
