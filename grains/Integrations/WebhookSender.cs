using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;

namespace Retail.Integrations;

/// <summary>
/// Sends one webhook request: signed, no redirects followed, and failed when the receiver takes longer
/// than <see cref="WebhookOptions.Timeout"/>. Unless private targets are allowed, the address actually
/// connected to is checked (not only the URL), so a name that resolves to an inside address is refused.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    private readonly HttpClient http;

    public WebhookSender(IOptions<WebhookOptions> options)
    {
        var settings = options.Value;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            // Straight to the receiver: through a proxy, the address checked would be the proxy's.
            UseProxy = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = settings.Timeout,
        };
        if (!settings.AllowPrivateTargets)
            handler.ConnectCallback = ConnectPubliclyAsync;
        http = new HttpClient(handler) { Timeout = settings.Timeout };
    }

    public Task<WebhookAttempt> SendAsync(string url, string secret, PendingDelivery delivery, DateTimeOffset now)
    {
        var timestamp = now.ToUnixTimeSeconds();
        return PostAsync(url, delivery.Body, now,
            (WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, timestamp, delivery.Body)),
            (WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture)),
            (WebhookSignature.EventHeader, delivery.Type),
            (WebhookSignature.DeliveryHeader, delivery.Id.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>Posts a JSON body with these headers, under the same rules as a webhook (no redirects, the timeout, the address check).</summary>
    public async Task<WebhookAttempt> PostAsync(string url, string body, DateTimeOffset now, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in headers)
            request.Headers.Add(name, value);
        var started = Stopwatch.GetTimestamp();
        int Elapsed() => (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            return new WebhookAttempt(now, (int)response.StatusCode, null, Elapsed());
        }
        catch (TaskCanceledException)
        {
            return new WebhookAttempt(now, null, $"no answer within {http.Timeout.TotalSeconds:0} s", Elapsed());
        }
        catch (HttpRequestException error)
        {
            return new WebhookAttempt(now, null, error.Message, Elapsed());
        }
    }

    public static bool Succeeded(WebhookAttempt attempt) => attempt.StatusCode is >= 200 and < 300;

    private static async ValueTask<Stream> ConnectPubliclyAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
        if (addresses.Length == 0 || addresses.Any(a => !WebhookTargets.IsPublic(a)))
            throw new HttpRequestException($"{context.DnsEndPoint.Host} is a private, loopback or link-local address; webhooks do not go there.");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => http.Dispose();
}
