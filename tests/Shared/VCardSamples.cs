namespace Vinculo;

/// <summary>Contacts as phones export them, written for these tests (not copied from any export): the reader's and the import's tests share them.</summary>
internal static class VCardSamples
{
    /// <summary>As Android's Contacts app writes vCard 2.1: quoted-printable UTF-8 names with soft line breaks, bare types.</summary>
    public const string Android21 =
        "BEGIN:VCARD\r\n" +
        "VERSION:2.1\r\n" +
        "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Concei=C3=A7=C3=A3o;Jo=C3=A3o;;;\r\n" +
        "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Jo=C3=A3o Concei=C3=A7=C3=A3o da Silva Ara=C3=BAjo Sobrinho =\r\n" +
        "Neto\r\n" +
        "TEL;HOME:(11) 3333-4444\r\n" +
        "TEL;CELL;PREF:+55 11 98765-4321\r\n" +
        "TEL;CELL:11 91234-5678\r\n" +
        "END:VCARD\r\n" +
        "BEGIN:VCARD\r\n" +
        "VERSION:2.1\r\n" +
        "N:;Padaria;;;\r\n" +
        "TEL;WORK:(21) 2555-0000\r\n" +
        "END:VCARD\r\n";

    /// <summary>As an iPhone writes vCard 3.0: grouped properties, repeated type parameters, folded lines, escapes.</summary>
    public const string IPhone30 =
        "BEGIN:VCARD\r\n" +
        "VERSION:3.0\r\n" +
        "PRODID:-//Apple Inc.//iPhone OS 18.1//EN\r\n" +
        "N:Souza;Maria;;;\r\n" +
        "FN:Maria Souza\\, Doceria\r\n" +
        "item1.TEL;type=pref:+55 (21) 99876-5432\r\n" +
        "item1.X-ABLabel:Casa\r\n" +
        "TEL;type=CELL;type=VOICE:+55 48 9965\r\n" +
        " 4-3210\r\n" +
        "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8Q\r\n" +
        " EBEQCgwSExIQEw8QEBD/yQALCAABAAEBAREA/8wABgAQEAX/2gAIAQEAAD8A0s8g/9k=\r\n" +
        "END:VCARD\r\n";

    public const string Version40 =
        "BEGIN:VCARD\r\n" +
        "VERSION:4.0\r\n" +
        "FN:Ana Lima\r\n" +
        "TEL;VALUE=uri;TYPE=\"voice,cell\":tel:+55-31-99123-4567\r\n" +
        "END:VCARD\r\n";
}
