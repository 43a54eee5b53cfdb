using System.Net;

namespace Retail.Hosting;

/// <summary>The cluster this process belongs to (<c>Retail:Cluster:*</c>): its identity, ports and timeouts.</summary>
public sealed class RetailClusterOptions : ISettingsSection<RetailClusterOptions>
{
    public static string Section => "Retail:Cluster";

    /// <summary><c>client</c>: the API joins an external cluster instead of hosting a silo.</summary>
    public string? Mode { get; set; }

    public string ClusterId { get; set; } = "retail";
    public string ServiceId { get; set; } = "retail";
    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The IP other silos reach this one at; unset, the host's first IPv4.</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>How long a grain call waits for its answer (silos and clients).</summary>
    public double ResponseTimeoutSeconds { get; set; } = 5;

    /// <summary>
    /// One second: a killed silo is suspected after its next two probes, so receipts are back within about
    /// 2 s of a kill (measured, README "Reliability"). The test suite's clusters use 2 s: there hundreds of
    /// tests share two cores and a probe of a healthy silo can go unanswered for a second.
    /// </summary>
    public double ProbeTimeoutSeconds { get; set; } = 1;

    public bool IsClient => string.Equals(Mode, "client", StringComparison.OrdinalIgnoreCase);
    public IPAddress? Advertised => string.IsNullOrEmpty(AdvertisedAddress) ? null : IPAddress.Parse(AdvertisedAddress);
    public TimeSpan ResponseTimeout => TimeSpan.FromSeconds(ResponseTimeoutSeconds);
    public TimeSpan ProbeTimeout => TimeSpan.FromSeconds(ProbeTimeoutSeconds);

    private const string Seconds = "a number of seconds from 0.1 to 300";

    public static IReadOnlyList<SettingRule<RetailClusterOptions>> Rules { get; } =
    [
        new(nameof(SiloPort), o => o.SiloPort is > 0 and < 65536, "a port from 1 to 65535"),
        new(nameof(GatewayPort), o => o.GatewayPort is >= 0 and < 65536, "a port from 0 to 65535"),
        new(nameof(AdvertisedAddress), o => string.IsNullOrEmpty(o.AdvertisedAddress) || IPAddress.TryParse(o.AdvertisedAddress, out _), "an IP address"),
        new(nameof(ResponseTimeoutSeconds), o => o.ResponseTimeoutSeconds is >= 0.1 and <= 300, Seconds),
        new(nameof(ProbeTimeoutSeconds), o => o.ProbeTimeoutSeconds is >= 0.1 and <= 300, Seconds),
    ];
}
