using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Retail.Registers.Fiscal;

/// <summary>
/// The fiscal sign (ФПД, tag 1077) of the emulated drive: the first 4 bytes of
/// HMAC-SHA256(drive key, canonical bytes of the document), big-endian, as an unsigned number.
/// A real drive signs with its own hardware key; the emulation keeps the properties that matter:
/// deterministic per document, different per drive, verifiable by the key holder, up to 10 digits.
/// </summary>
public static class FiscalSign
{
    public static uint Compute(ReadOnlySpan<byte> driveKey, ReadOnlySpan<byte> canonicalDocument)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(driveKey, canonicalDocument, mac);
        return BinaryPrimitives.ReadUInt32BigEndian(mac);
    }
}

/// <summary>
/// Who the drive is: FN serial (tag 1041), register registration number (РНМ, tag 1037), both
/// 16-digit strings with leading zeros kept, and the drive's secret signing key (base64).
/// </summary>
[GenerateSerializer, Immutable, Alias("FiscalDriveIdentity")]
public sealed record FiscalDriveIdentity(
    [property: Id(0)] string FnSerial,
    [property: Id(1)] string RegistrationNumber,
    [property: Id(2)] string SigningKey)
{
    public const int NumberLength = 16;

    /// <summary>
    /// An emulated drive for a register, derived from the register id and a deployment secret:
    /// registering the same register again (a retried PUT, a replay) yields the same drive.
    /// </summary>
    public static FiscalDriveIdentity Emulated(string registerId, string seed)
    {
        ArgumentException.ThrowIfNullOrEmpty(registerId);
        ArgumentException.ThrowIfNullOrEmpty(seed);
        var secret = Encoding.UTF8.GetBytes(seed);
        byte[] Derive(string purpose) => HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes($"{purpose}\n{registerId}"));
        return new FiscalDriveIdentity(
            SixteenDigits(Derive("fn-serial")),
            SixteenDigits(Derive("registration-number")),
            Convert.ToBase64String(Derive("signing-key")));
    }

    public bool IsWellFormed() =>
        IsSixteenDigits(FnSerial) && IsSixteenDigits(RegistrationNumber) && KeyBytes() is { Length: >= 16 };

    public byte[]? KeyBytes()
    {
        var buffer = new byte[SigningKey.Length];
        return Convert.TryFromBase64String(SigningKey, buffer, out var written) ? buffer[..written] : null;
    }

    /// <summary>Tags 1041 and 1037: sixteen digits, leading zeros kept.</summary>
    public static bool IsSixteenDigits(string? s) => s is { Length: NumberLength } && s.All(char.IsAsciiDigit);

    private static string SixteenDigits(byte[] hash)
    {
        var n = BinaryPrimitives.ReadUInt64BigEndian(hash) % 10_000_000_000_000_000UL;
        return n.ToString("D16", System.Globalization.CultureInfo.InvariantCulture);
    }
}
