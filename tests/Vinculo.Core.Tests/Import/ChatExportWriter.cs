using System.Globalization;
using System.Text;

namespace Vinculo.Core.Tests.Import;

/// <summary>The export formats of the phones Vinculo's users have, as the tests write them.</summary>
public enum ExportStyle
{
    /// <summary>"02/11/2026 10:14 - ".</summary>
    AndroidPt,

    /// <summary>"11/3/26, 9:12\u202FPM - ".</summary>
    AndroidEnUs,

    /// <summary>"11/3/26, 9:12 PM - ": older Android versions wrote a plain space.</summary>
    AndroidEnUsPlainSpace,

    /// <summary>"03/11/2026, 21:12 - ".</summary>
    AndroidEnGb,

    /// <summary>"[07/11/2026, 13:05:40] ".</summary>
    IPhonePt,

    /// <summary>"[11/3/26, 9:12:05\u202FPM] ".</summary>
    IPhoneEn,
}

/// <summary>One message of a chat the tests write.</summary>
/// <param name="Text">As the person wrote it; lines separated by '\n'.</param>
/// <param name="Marked">An iPhone placeholder or deleted marker, which iPhone exports write after a U+200E.</param>
public sealed record WrittenMessage(DateTime Time, bool FromCounterpart, string Text, bool Marked = false);

/// <summary>Writes chat exports the way WhatsApp does, to check the parser against a known model.</summary>
public static class ChatExportWriter
{
    public const string Business = "Doceria Bela";

    public static bool IsIPhone(this ExportStyle style) => style is ExportStyle.IPhonePt or ExportStyle.IPhoneEn;

    public static bool IsPortuguese(this ExportStyle style) => style is ExportStyle.AndroidPt or ExportStyle.IPhonePt;

    public static string FileName(ExportStyle style, string title) => style switch
    {
        ExportStyle.AndroidPt => $"Conversa do WhatsApp com {title}.txt",
        ExportStyle.IPhonePt => $"Conversa do WhatsApp - {title}.zip",
        ExportStyle.IPhoneEn => $"WhatsApp Chat - {title}.zip",
        _ => $"WhatsApp Chat with {title}.txt",
    };

    public static string Stamp(ExportStyle style, DateTime t)
    {
        var c = CultureInfo.InvariantCulture;
        return style switch
        {
            ExportStyle.AndroidPt => t.ToString("dd/MM/yyyy HH:mm", c) + " - ",
            ExportStyle.AndroidEnUs => t.ToString("M/d/yy, h:mm", c) + "\u202F" + t.ToString("tt", c) + " - ",
            ExportStyle.AndroidEnUsPlainSpace => t.ToString("M/d/yy, h:mm tt", c) + " - ",
            ExportStyle.AndroidEnGb => t.ToString("dd/MM/yyyy, HH:mm", c) + " - ",
            ExportStyle.IPhonePt => t.ToString("[dd/MM/yyyy, HH:mm:ss]", c) + " ",
            _ => t.ToString("[M/d/yy, h:mm:ss", c) + "\u202F" + t.ToString("tt", c) + "] ",
        };
    }

    /// <param name="counterpart">The counterpart as shown: "+55 11 98765-4321" or a saved name.</param>
    /// <param name="notice">The encryption notice first, as every real export has it.</param>
    public static string Write(
        ExportStyle style, string counterpart, IEnumerable<WrittenMessage> messages, bool notice = true, string newLine = "\n")
    {
        var text = new StringBuilder();
        var first = true;
        foreach (var message in messages)
        {
            if (first && notice)
            {
                var noticeText = style.IsPortuguese()
                    ? "As mensagens e as ligações são protegidas com a criptografia de ponta a ponta."
                    : "Messages and calls are end-to-end encrypted. Only people in this chat can read, listen to, or share them.";
                text.Append(style.IsIPhone() ? $"\u200E{Stamp(style, message.Time)}{counterpart}: \u200E{noticeText}" : Stamp(style, message.Time) + noticeText)
                    .Append(newLine);
            }

            first = false;
            var marked = message.Marked && style.IsIPhone();
            text.Append(marked ? "\u200E" : "")
                .Append(Stamp(style, message.Time))
                .Append(message.FromCounterpart ? counterpart : Business)
                .Append(": ")
                .Append(marked ? "\u200E" : "")
                .Append(message.Text.Replace("\n", newLine, StringComparison.Ordinal))
                .Append(newLine);
        }

        return text.ToString();
    }

    /// <summary>Texts people write, with the placeholders and markers of the style's language, and lines that almost look dated.</summary>
    public static (string Text, bool Marked)[] Texts(ExportStyle style)
    {
        (string, bool)[] common =
        [
            ("Bom dia! Vocês ainda têm o bolo de cenoura?", false),
            ("Quero 2 dúzias de brigadeiro", false),
            ("Para sábado, por favor.\nPode ser com cobertura dupla?\nE com vela de aniversário 🎂", false),
            ("Segue o endereço:\nRua das Flores, 123\n\nApto 45", false),
            ("Vocês entregam: sim ou não?", false),
            ("Pode ser amanhã?\n10:30 pode ser?\n02/11 às 10h - combinado", false),
            ("Hi! Do you ship to Niterói? 😊", false),
            ("[nota] preço: R$ 89,90\n2026-11-03 sem hora", false),
            ("Meu marido quer um também, o número dele é (11) 91234-5678", false),
        ];
        (string, bool)[] own = style switch
        {
            ExportStyle.AndroidPt => [("<Mídia oculta>", false), ("Esta mensagem foi apagada", false)],
            ExportStyle.IPhonePt => [("imagem ocultada", true), ("<anexado: 00000012-PHOTO-2026-11-07-13-09-31.jpg>", true), ("Esta mensagem foi apagada.", true)],
            ExportStyle.IPhoneEn => [("image omitted", true), ("<attached: 00000005-PHOTO-2026-11-03-21-12-05.jpg>", true), ("This message was deleted.", true)],
            _ => [("<Media omitted>", false), ("This message was deleted", false)],
        };
        return [.. common, .. own];
    }
}
