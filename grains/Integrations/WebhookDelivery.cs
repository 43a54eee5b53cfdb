using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Retail.Common;
using Retail.Hosting;

namespace Retail.Integrations;

/// <summary>
/// How a webhook request is signed: <c>X-Retail-Signature: sha256=&lt;hex&gt;</c>, the HMAC-SHA256 with the
/// subscription's secret of <c>{timestamp}.{body}</c>, where the timestamp (Unix seconds) is sent as
/// <c>X-Retail-Timestamp</c>. A receiver recomputes it and refuses a timestamp far from its clock, so a
/// captured request cannot be replayed later.
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-Retail-Signature";
    public const string TimestampHeader = "X-Retail-Timestamp";
    public const string EventHeader = "X-Retail-Event";
    public const string DeliveryHeader = "X-Retail-Delivery";

    public static string Sign(string secret, long timestamp, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));

    public static bool Verify(string secret, long timestamp, string body, string signature) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(secret, timestamp, body)), Encoding.ASCII.GetBytes(signature));
}

/// <summary>
/// When a failed delivery is tried again: after 1 s, doubling up to an hour, each wait drawn between half
/// and all of it (so receivers coming back are not hit by every sender at once); parked once the event
/// has waited <see cref="WebhookOptions.GiveUpAfter"/> since it was queued.
/// </summary>
public static class WebhookRetries
{
    public static readonly TimeSpan First = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Longest = TimeSpan.FromHours(1);

    /// <summary>The next attempt after <paramref name="failures"/> failures, or null: park it. <paramref name="jitter"/> is in [0, 1).</summary>
    public static DateTimeOffset? Next(int failures, DateTimeOffset queuedAt, DateTimeOffset now, TimeSpan giveUpAfter, double jitter)
    {
        if (now - queuedAt >= giveUpAfter)
            return null;
        var full = failures >= 30 ? Longest : TimeSpan.FromTicks(Math.Min(Longest.Ticks, First.Ticks << (failures - 1)));
        return now + full * (0.5 + jitter / 2);
    }
}

/// <summary>Where webhooks may go: http(s) only, and no private, loopback or link-local address unless allowed.</summary>
public static class WebhookTargets
{
    public const int MaxUrlLength = 2048;

    public static DomainError? CheckUrl(string? url, bool allowPrivate)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host) || !string.IsNullOrEmpty(uri.UserInfo))
            return new DomainError(ErrorCodes.ValidationFailed, $"A webhook url is an absolute http or https URL without credentials, up to {MaxUrlLength} characters.", "url");
        if (!allowPrivate && (uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && !IsPublic(address))))
            return PrivateTarget();
        return null;
    }

    public static DomainError PrivateTarget() =>
        new(ErrorCodes.ValidationFailed, "A webhook may not go to a private, loopback or link-local address.", "url");

    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
            return false;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var v6 = address.GetAddressBytes();
            // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) reach IPv4 addresses through a gateway: not judged, refused.
            var translated = (v6[0] == 0x00 && v6[1] == 0x64 && v6[2] == 0xff && v6[3] == 0x9b) || (v6[0] == 0x20 && v6[1] == 0x02);
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast || translated);
        }
        var b = address.GetAddressBytes();
        return !(b[0] == 10 || b[0] == 0 || b[0] == 127 || b[0] >= 224
                 || (b[0] == 172 && b[1] is >= 16 and <= 31)
                 || (b[0] == 192 && b[1] == 168)
                 || (b[0] == 169 && b[1] == 254)
                 || (b[0] == 100 && b[1] is >= 64 and <= 127)
                 || (b[0] == 198 && b[1] is 18 or 19));
    }
}

/// <summary>Webhook settings (<c>Retail:Webhooks:*</c>).</summary>
public sealed class WebhookOptions : ISettingsSection<WebhookOptions>
{
    public static string Section => "Retail:Webhooks";

    /// <summary>Lets webhooks go to private and loopback addresses (tests, and receivers inside one network).</summary>
    public bool AllowPrivateTargets { get; set; }

    /// <summary>A receiver slower than this has failed the attempt.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an event is retried before it is parked.</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromHours(72);

    public static IReadOnlyList<SettingRule<WebhookOptions>> Rules { get; } =
    [
        new(nameof(Timeout), o => o.Timeout > TimeSpan.Zero, "a positive time span (d.hh:mm:ss)"),
        new(nameof(GiveUpAfter), o => o.GiveUpAfter > TimeSpan.Zero, "a positive time span (d.hh:mm:ss)"),
    ];
}
