using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Retail.Api;

namespace Retail.Tests.Http;

/// <summary>The API with its co-hosted silo in the embedded mode, on free ports so that hosts never collide.</summary>
public class ApiFactory : WebApplicationFactory<Program>
{
    public const string AdminToken = "test-admin-token";

    /// <summary>
    /// The liveness probe timeout of every cluster the suite starts (seconds): 2, not the production 1, since
    /// hundreds of tests share two cores here and a healthy silo's probe can go unanswered for a second.
    /// </summary>
    public const string ProbeTimeoutSeconds = "2";

    public static readonly JsonSerializerOptions Json = CreateJson();

    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    private bool built;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        built = true;
        builder.UseSetting("Retail:Auth:AdminToken", AdminToken);
        builder.UseSetting("Retail:Cluster:SiloPort", FreePort().ToString());
        builder.UseSetting("Retail:Cluster:GatewayPort", FreePort().ToString());
        builder.UseSetting("Retail:Cluster:ProbeTimeoutSeconds", ProbeTimeoutSeconds);
        foreach (var (key, value) in Settings)
            builder.UseSetting(key, value);
        builder.ConfigureServices(OwnOrleansMeter.AddTo);
    }

    public override async ValueTask DisposeAsync()
    {
        var leftovers = built ? Cluster.KilledSilo.LeftoversOf(Services) : null;
        await base.DisposeAsync();
        await Cluster.KilledSilo.StopLeftoversAsync(leftovers);
        GC.SuppressFinalize(this);
    }

    public HttpClient Admin() => WithToken(AdminToken);

    public HttpClient WithToken(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static JsonSerializerOptions CreateJson()
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        RetailApi.ConfigureJson(json);
        return json;
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFactory>
{
    public const string Name = "api";
}

public static class HttpAssertions
{
    /// <summary>Asserts a problem response with its status and stable code; returns the parsed body.</summary>
    public static async Task<JsonElement> AssertProblem(this HttpResponseMessage response, HttpStatusCode status, string code, string? field = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {status}, got {response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal(code, body.GetProperty("code").GetString());
        if (field is not null)
            Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), $"Expected an error for '{field}': {text}");
        return body;
    }

    public static async Task<T> ReadOk<T>(this HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {status}, got {response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<T>(text, ApiFactory.Json)!;
    }

    public static Task<HttpResponseMessage> PostJson(this HttpClient client, string url, object body) =>
        client.PostAsJsonAsync(url, body, ApiFactory.Json);

    public static Task<HttpResponseMessage> PutJson(this HttpClient client, string url, object body) =>
        client.PutAsJsonAsync(url, body, ApiFactory.Json);

    public static Task<HttpResponseMessage> PostRaw(this HttpClient client, string url, string json) =>
        client.PostAsync(url, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
}
