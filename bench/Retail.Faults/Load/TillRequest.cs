namespace Retail.Faults.Load;

public enum RequestKind { Receipt, Movement, Setup }

public enum RequestFate
{
    /// <summary>Still being retried.</summary>
    Pending,
    /// <summary>A 2xx came back: the till was told it is done.</summary>
    Acknowledged,
    /// <summary>A definitive 4xx: the API says nothing changed.</summary>
    Refused,
    /// <summary>The drain ended before any 2xx or 4xx: applied or not, nobody knows.</summary>
    Unanswered,
}

/// <summary>One stock effect a request has once applied: a pair and its on-hand change.</summary>
public sealed record LineEffect(string StoreId, string Sku, decimal OnHandDelta);

/// <summary>
/// One request of a till, sent again as is (same id, same body) until it is answered: a receipt,
/// a movement, or a setup call (stores, SKUs, registers, shifts, opening stock).
/// </summary>
public sealed class TillRequest(RequestKind kind, string operation, string id, HttpMethod method, string path, object? body, IReadOnlyList<LineEffect> effects)
{
    public RequestKind Kind { get; } = kind;
    /// <summary>What the report calls it: "receipt", "writeOff", "goodsReceipt", "PUT store"...</summary>
    public string Operation { get; } = operation;
    public string Id { get; } = id;
    public HttpMethod Method { get; } = method;
    public string Path { get; } = path;
    public object? Body { get; } = body;
    public IReadOnlyList<LineEffect> Effects { get; } = effects;
    public string? RegisterId { get; init; }
    public string? StoreId { get; init; }

    public RequestFate Fate { get; set; }
    public int Attempts { get; set; }
    public double FirstSentAt { get; set; }
    public double AnsweredAt { get; set; }
    public int FinalStatus { get; set; }
    public string? FinalCode { get; set; }
}
