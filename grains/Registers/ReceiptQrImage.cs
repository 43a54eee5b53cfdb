using QRCoder;

namespace Retail.Registers;

/// <summary>The receipt's QR string (t=...&amp;s=...&amp;fn=...) as a PNG, the same for the e-receipt mail and the dashboard.</summary>
public static class ReceiptQrImage
{
    public static byte[] Png(string qr, int pixelsPerModule = 6) =>
        new PngByteQRCode(new QRCodeGenerator().CreateQrCode(qr, QRCodeGenerator.ECCLevel.M)).GetGraphic(pixelsPerModule);
}
