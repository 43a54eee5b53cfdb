using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Retail.Integrations;
using Retail.Tests.Http;

namespace Retail.Tests.Integrations;

/// <summary>A request as the receiver got it.</summary>
public sealed record ReceivedWebhook(string Body, string? Signature, long Timestamp, string? Event)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
    public string Id => Json.GetProperty("id").GetString()!;
    public JsonElement Data => Json.GetProperty("data");
}

/// <summary>
/// A real HTTP listener on a fixed loopback port, as a CRM's endpoint: it can be down (stopped, so
/// connections are refused), up, or up and answering an error status.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private WebApplication? app;

    public int Port { get; } = ApiFactory.FreePort();

    public string Url => $"http://127.0.0.1:{Port}/hooks/retail";

    /// <summary>What the receiver accepted (answered with a success status), in arrival order.</summary>
    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    /// <summary>The status every request is answered with (200 unless a test makes the receiver fail).</summary>
    public int Status { get; set; } = StatusCodes.Status200OK;

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{Port}");
        app = builder.Build();
        app.MapPost("/hooks/retail", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            long.TryParse(request.Headers[WebhookSignature.TimestampHeader].ToString(), out var timestamp);
            if (Status is >= 200 and < 300)
                Received.Enqueue(new ReceivedWebhook(body, request.Headers[WebhookSignature.SignatureHeader].ToString(), timestamp,
                    request.Headers[WebhookSignature.EventHeader].ToString()));
            return Results.StatusCode(Status);
        });
        await app.StartAsync();
    }

    public async Task StopAsync()
    {
        if (app is null)
            return;
        await app.StopAsync();
        await app.DisposeAsync();
        app = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
