using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Retail.Bench;

/// <summary>How one request ended, as far as the stock is concerned.</summary>
public enum Outcome
{
    /// <summary>2xx: the change is applied (or was, by an earlier try of the same id).</summary>
    Applied,
    /// <summary>A 4xx answer: the API refused the request, nothing changed.</summary>
    Refused,
    /// <summary>A 5xx, a timeout or a broken connection: applied or not, nobody knows until the id is retried.</summary>
    Unknown,
}

/// <summary>The few calls of the Retail HTTP API the load generator needs, with error tallying.</summary>
public sealed class RetailClient : IDisposable
{
    public const string BenchTimeZone = "Europe/Moscow";
    public const string BenchInn = "7707083893";
    public const decimal SkuPrice = 100m;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient http;

    public RetailClient(Uri url, string token, int connections)
    {
        // One pooled connection per worker: no request waits for a free socket inside the client.
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
        };
        http = new HttpClient(handler) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>Failed requests by status and problem code ("409 idempotency_conflict", "timeout").</summary>
    public ConcurrentDictionary<string, int> Errors { get; } = new(StringComparer.Ordinal);

    public int ErrorCount => Errors.Values.Sum();

    public Task<(Outcome, HttpStatusCode?, string?)> PutStoreAsync(string storeId) =>
        SendAsync(HttpMethod.Put, $"api/v1/stores/{storeId}",
            new { name = $"Bench {storeId}", address = "Bench street 1", timeZone = BenchTimeZone, inn = BenchInn, taxationSystem = "osn" });

    public Task<(Outcome, HttpStatusCode?, string?)> PutSkuAsync(string sku) =>
        SendAsync(HttpMethod.Put, $"api/v1/skus/{sku}",
            new { name = $"Bench {sku}", unit = "pcs", vat = "vat22", price = SkuPrice, kind = "goods" });

    public async Task<decimal> GetOnHandAsync(string storeId, string sku)
    {
        using var response = await http.GetAsync($"api/v1/stores/{storeId}/stock/{sku}");
        response.EnsureSuccessStatusCode();
        var level = await response.Content.ReadFromJsonAsync<JsonElement>(Json);
        return level.GetProperty("onHand").GetDecimal();
    }

    /// <summary>A read whose answer is only timed (the body is read whole, as a client would).</summary>
    public Task<(Outcome, HttpStatusCode?, string?)> GetAsync(string path) => SendAsync(HttpMethod.Get, path, null);

    /// <summary>How many stores the chain-wide stock of a SKU lists.</summary>
    public async Task<int> GetChainStoreCountAsync(string sku)
    {
        using var response = await http.GetAsync($"api/v1/skus/{sku}/stock");
        response.EnsureSuccessStatusCode();
        var chain = await response.Content.ReadFromJsonAsync<JsonElement>(Json);
        return chain.GetProperty("stores").GetArrayLength();
    }

    public Task<(Outcome, HttpStatusCode?, string?)> PostMovementAsync(string storeId, string sku, string id, string type, decimal quantity) =>
        SendAsync(HttpMethod.Post, $"api/v1/stores/{storeId}/stock/{sku}/movements", new { id, type, quantity });

    public Task<(Outcome, HttpStatusCode?, string?)> PutRegisterAsync(string registerId, string storeId) =>
        SendAsync(HttpMethod.Put, $"api/v1/registers/{registerId}", new { storeId });

    public Task<(Outcome, HttpStatusCode?, string?)> OpenShiftAsync(string registerId) =>
        SendAsync(HttpMethod.Post, $"api/v1/registers/{registerId}/shifts/open", new { cashier = new { name = "Bench" } });

    public Task<(Outcome, HttpStatusCode?, string?)> CloseShiftAsync(string registerId) =>
        SendAsync(HttpMethod.Post, $"api/v1/registers/{registerId}/shifts/close", null);

    public Task<(Outcome, HttpStatusCode?, string?)> PostReceiptAsync(string registerId, string id, IReadOnlyList<ReceiptLine> lines)
    {
        var total = lines.Sum(l => l.Quantity * l.Price);
        return SendAsync(HttpMethod.Post, $"api/v1/registers/{registerId}/receipts", new
        {
            id,
            operation = "sell",
            items = lines.Select(l => new { sku = l.Sku, quantity = l.Quantity, price = l.Price }),
            payments = new[] { new { type = "electronic", amount = total } },
        });
    }

    public Task<(Outcome, HttpStatusCode?, string?)> PutDeviceRegisterAsync(string registerId, string storeId, string fnSerial) =>
        SendAsync(HttpMethod.Put, $"api/v1/registers/{registerId}", new { storeId, mode = "device", fnSerial, registrationNumber = DeviceRegistrationNumber });

    public Task<(Outcome, HttpStatusCode?, string?)> PostShiftOpenedAsync(string registerId, string fnSerial, DateTimeOffset at) =>
        SendAsync(HttpMethod.Post, $"api/v1/registers/{registerId}/fiscalized-reports", new
        {
            fnSerial, form = 2, fiscalDocumentNumber = 2, fiscalSign = 1_000_000_002L, shiftNumber = 1, dateTime = at.ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture),
        });

    public const string DeviceRegistrationNumber = "0000000001012345";

    /// <summary>A receipt a physical drive printed: FD <paramref name="fd"/> of shift 1, its lines as a till sends them.</summary>
    public static object DeviceReceipt(string id, string fnSerial, long fd, DateTimeOffset at, IReadOnlyList<ReceiptLine> lines)
    {
        var total = lines.Sum(l => l.Quantity * l.Price);
        return new
        {
            id, operation = "sell",
            items = lines.Select(l => new { sku = l.Sku, quantity = l.Quantity, price = l.Price }),
            payments = new[] { new { type = "cash", amount = total } },
            fiscal = new
            {
                fnSerial, fiscalDocumentNumber = fd, fiscalSign = 3_000_000_000L + fd, shiftNumber = 1, receiptNumber = fd - 2,
                dateTime = at.ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture),
            },
        };
    }

    public Task<(Outcome, HttpStatusCode?, string?)> PostFiscalizedReceiptAsync(string registerId, object receipt) =>
        SendAsync(HttpMethod.Post, $"api/v1/registers/{registerId}/fiscalized-receipts", receipt);

    /// <summary>A batch; the answer's per-receipt statuses, or null when the batch itself failed.</summary>
    public async Task<int[]?> PostFiscalizedReceiptsAsync(string registerId, IReadOnlyList<object> receipts)
    {
        using var response = await http.PostAsJsonAsync($"api/v1/registers/{registerId}/fiscalized-receipts/batch", new { receipts }, Json);
        if (!response.IsSuccessStatusCode)
        {
            Tally($"{(int)response.StatusCode} {await ProblemCodeAsync(response) ?? "(no problem code)"}");
            return null;
        }
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>(Json);
        return answer.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("status").GetInt32()).ToArray();
    }

    /// <summary>Sends one request; a failure is tallied and classified, never thrown, so a worker keeps going.</summary>
    private async Task<(Outcome, HttpStatusCode?, string?)> SendAsync(HttpMethod method, string path, object? body)
    {
        try
        {
            using var request = new HttpRequestMessage(method, path);
            request.Content = body is null ? null : JsonContent.Create(body, options: Json);
            using var response = await http.SendAsync(request);
            if (response.IsSuccessStatusCode)
                return (Outcome.Applied, response.StatusCode, null);

            var code = await ProblemCodeAsync(response);
            var status = (int)response.StatusCode;
            Tally($"{status} {code ?? "(no problem code)"}");
            var definitive = status is >= 400 and < 500 and not 408 and not 429;
            return (definitive ? Outcome.Refused : Outcome.Unknown, response.StatusCode, code);
        }
        catch (TaskCanceledException)
        {
            Tally("timeout");
            return (Outcome.Unknown, null, null);
        }
        catch (HttpRequestException error)
        {
            Tally($"connection: {error.HttpRequestError}");
            return (Outcome.Unknown, null, null);
        }
    }

    private static async Task<string?> ProblemCodeAsync(HttpResponseMessage response)
    {
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Json);
            return problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("code", out var code) ? code.GetString() : null;
        }
        catch (Exception error) when (error is JsonException or NotSupportedException or InvalidOperationException)
        {
            return null;
        }
    }

    private void Tally(string kind) => Errors.AddOrUpdate(kind, 1, (_, n) => n + 1);

    public void Dispose() => http.Dispose();
}

public sealed record ReceiptLine(string Sku, decimal Quantity, decimal Price);
