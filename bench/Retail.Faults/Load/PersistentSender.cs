using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Retail.Faults.Load;

/// <summary>
/// Sends a request again and again, the same id and the same body, until the API answers it with a
/// 2xx or a definitive 4xx, recording every attempt. 503 waits what Retry-After asks (capped); other
/// failures back off briefly. The client waits 15 s for an answer, so a wait over 10 s is seen, not hidden.
/// </summary>
public sealed class PersistentSender : IDisposable
{
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(5);
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient http;
    private readonly AttemptLog log;

    public PersistentSender(Uri url, string token, int connections, AttemptLog log)
    {
        this.log = log;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            UseProxy = false,
        };
        // The per-attempt timeout is a token of our own, so a timeout is told apart from a cancelled run.
        http = new HttpClient(handler) { BaseAddress = url, Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public HttpClient Http => http;

    /// <summary>Retries until answered or until <paramref name="giveUpAt"/> (on the log's clock) has passed.</summary>
    public async Task SendUntilAnsweredAsync(TillRequest request, Func<double> giveUpAt)
    {
        request.FirstSentAt = log.Now;
        for (var backoff = 0.25; ; backoff = Math.Min(backoff * 2, 2))
        {
            request.Attempts++;
            var (status, retryAfter, code) = await AttemptAsync(request);
            request.FinalStatus = status;
            request.FinalCode = code;
            if (status is >= 200 and < 300)
            {
                request.Fate = RequestFate.Acknowledged;
                request.AnsweredAt = log.Now;
                return;
            }
            if (status is >= 400 and < 500 and not 408 and not 429)
            {
                request.Fate = RequestFate.Refused;
                request.AnsweredAt = log.Now;
                return;
            }
            if (log.Now >= giveUpAt())
            {
                request.Fate = RequestFate.Unanswered;
                return;
            }
            var wait = retryAfter is { } asked ? (asked < MaxRetryAfter ? asked : MaxRetryAfter) : TimeSpan.FromSeconds(backoff);
            await Task.Delay(wait);
        }
    }

    private async Task<(int Status, TimeSpan? RetryAfter, string? Code)> AttemptAsync(TillRequest request)
    {
        var at = log.Now;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        int status;
        TimeSpan? retryAfter = null;
        string? code = null;
        using var timeout = new CancellationTokenSource(AttemptTimeout);
        try
        {
            using var message = new HttpRequestMessage(request.Method, request.Path);
            if (request.Body is not null)
                message.Content = JsonContent.Create(request.Body, options: Json);
            using var response = await http.SendAsync(message, timeout.Token);
            status = (int)response.StatusCode;
            retryAfter = RetryAfterOf(response.Headers.RetryAfter);
            if (!response.IsSuccessStatusCode)
                code = await ProblemCodeAsync(response, timeout.Token);
            else
                await response.Content.LoadIntoBufferAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            status = Attempt.TimedOut;
        }
        catch (HttpRequestException error)
        {
            status = Attempt.ConnectionFailed;
            code = error.HttpRequestError.ToString();
        }
        var latency = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        log.Add(new Attempt(request.Operation, request.Id, at, latency, status, retryAfter is not null, code));
        return (status, retryAfter, code);
    }

    private static TimeSpan? RetryAfterOf(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var d && d > TimeSpan.Zero ? d : TimeSpan.Zero,
        _ => null,
    };

    private static async Task<string?> ProblemCodeAsync(HttpResponseMessage response, CancellationToken cancel)
    {
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Json, cancel);
            return problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("code", out var c) ? c.GetString() : null;
        }
        catch (Exception error) when (error is JsonException or NotSupportedException or InvalidOperationException or HttpRequestException)
        {
            return null;
        }
    }

    public void Dispose() => http.Dispose();
}
