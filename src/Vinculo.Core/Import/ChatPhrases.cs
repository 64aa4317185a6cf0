namespace Vinculo.Import;

/// <summary>The language a phrase of an export is written in: it decides the date order when the dates do not.</summary>
internal enum ChatLanguage
{
    Unknown,
    Portuguese,
    English,

    /// <summary>Spanish exports put the day first, as Portuguese ones do.</summary>
    Spanish,
}

/// <summary>
/// The fixed texts WhatsApp writes into exports in Portuguese, English and Spanish: media placeholders, deleted-message
/// markers, the encryption notice and group events. Matching ignores case and the direction marks around them.
/// </summary>
internal static class ChatPhrases
{
    private const ChatLanguage Pt = ChatLanguage.Portuguese;
    private const ChatLanguage En = ChatLanguage.English;
    private const ChatLanguage Es = ChatLanguage.Spanish;

    private static readonly (string Text, ChatLanguage Language)[] MediaPlaceholders =
        [("<Mídia oculta>", Pt), ("<Arquivo de mídia oculto>", Pt), ("<Media omitted>", En), ("<Multimedia omitido>", Es)];

    /// <summary>iPhone exports made with media: "‎&lt;anexado: 00000012-PHOTO-2026-11-07-13-09-31.jpg&gt;".</summary>
    private static readonly (string Text, ChatLanguage Language)[] AttachmentPrefixes = [("<anexado:", Pt), ("<attached:", En), ("<adjunto:", Es)];

    /// <summary>Android exports made with media: "IMG-20261102-WA0001.jpg (arquivo anexado)".</summary>
    private static readonly (string Text, ChatLanguage Language)[] AttachmentSuffixes = [("(arquivo anexado)", Pt), ("(file attached)", En), ("(archivo adjunto)", Es)];

    /// <summary>A shared location: on iPhone it starts with U+200E like a system text, yet the person sent it.</summary>
    private static readonly (string Text, ChatLanguage Language)[] LocationPrefixes =
        [("Localização:", Pt), ("Localização em tempo real", Pt), ("Location:", En), ("Live location", En), ("Ubicación:", Es), ("Ubicación en tiempo real", Es)];

    /// <summary>iPhone's "‎imagem ocultada", "‎audio omitted", "‎Contact card omitted", "Menu.pdf • ‎2 pages ‎document omitted".</summary>
    private static readonly string[] MediaNouns =
    [
        "imagem", "foto", "vídeo", "video", "áudio", "audio", "figurinha", "documento", "gif", "contato",
        "image", "photo", "sticker", "document", "card", "imagen", "contacto",
    ];

    private static readonly (string Text, ChatLanguage Language)[] OmittedWords =
        [("ocultada", Pt), ("ocultado", Pt), ("oculta", Pt), ("oculto", Pt), ("omitida", Pt), ("omitido", Pt), ("omitted", En)];

    private static readonly (string Text, ChatLanguage Language)[] DeletedMarkers =
    [
        ("Esta mensagem foi apagada", Pt), ("Essa mensagem foi apagada", Pt), ("Mensagem apagada", Pt), ("Você apagou esta mensagem", Pt),
        ("This message was deleted", En), ("You deleted this message", En),
        ("Se eliminó este mensaje", Es), ("Eliminaste este mensaje", Es), ("Este mensaje fue eliminado", Es),
    ];

    private static readonly (string Text, ChatLanguage Language)[] EditedMarkers =
        [("<Mensagem editada>", Pt), ("<Esta mensagem foi editada>", Pt), ("<This message was edited>", En), ("<Se editó este mensaje.>", Es), ("<Se editó este mensaje>", Es)];

    private static readonly (string Text, ChatLanguage Language)[] EncryptionNotices =
        [("criptografia de ponta a ponta", Pt), ("end-to-end encrypt", En), ("cifrados de extremo a extremo", Es)];

    /// <summary>Events that only happen in groups; a 1:1 chat's system lines (security code, disappearing messages) have none.</summary>
    private static readonly (string Text, ChatLanguage Language)[] GroupEvents =
    [
        (" criou o grupo", Pt), (" criou este grupo", Pt), (" adicionou ", Pt), (" removeu ", Pt), (" entrou usando ", Pt),
        (" mudou o assunto", Pt), (" mudou a descrição do grupo", Pt), (" mudou a imagem d", Pt),
        (" created group", En), (" created this group", En), (" added ", En), (" removed ", En), (" joined using ", En),
        (" changed the subject", En), (" changed the group description", En), (" changed this group's icon", En),
        (" creó el grupo", Es), (" creó este grupo", Es), (" añadió a ", Es), (" eliminó a ", Es), (" se unió usando ", Es),
        (" cambió el asunto", Es), (" cambió la descripción del grupo", Es),
    ];

    /// <summary>"+55 11 97777-1111 saiu", "You left": only at the end, where no ordinary system text ends so.</summary>
    private static readonly (string Text, ChatLanguage Language)[] GroupDepartures = [(" saiu", Pt), (" left", En), (" salió", Es)];

    /// <summary>What the first line of a message's text says it is.</summary>
    public static ChatMessageKind KindOf(ReadOnlySpan<char> firstLine, out ChatLanguage language)
    {
        var text = ChatText.Trim(firstLine);
        if (Equal(text, MediaPlaceholders, out language) || StartsWith(text, AttachmentPrefixes, out language) ||
            EndsWith(text, AttachmentSuffixes, out language) || StartsWith(text, LocationPrefixes, out language) ||
            IsOmittedMedia(text, out language))
        {
            return ChatMessageKind.Media;
        }

        if (StartsWith(text, DeletedMarkers, out language))
        {
            return ChatMessageKind.Deleted;
        }

        // Android writes "null" for a view-once photo or video.
        language = ChatLanguage.Unknown;
        return text.Equals("null", StringComparison.Ordinal) ? ChatMessageKind.Media : ChatMessageKind.Text;
    }

    /// <summary>
    /// On iPhone every line has a sender, system lines included (the encryption notice and group events come under the
    /// counterpart's or the group's name): their text starts with U+200E, as placeholders do.
    /// </summary>
    public static bool IsIPhoneSystemText(ReadOnlySpan<char> text) =>
        IsEncryptionNotice(text, out _) || (!text.IsEmpty && ChatText.IsMark(text[0]) && KindOf(text, out _) == ChatMessageKind.Text);

    public static bool IsEncryptionNotice(ReadOnlySpan<char> text, out ChatLanguage language)
    {
        foreach (var (phrase, phraseLanguage) in EncryptionNotices)
        {
            if (text.Contains(phrase, StringComparison.Ordinal))
            {
                language = phraseLanguage;
                return true;
            }
        }

        language = ChatLanguage.Unknown;
        return false;
    }

    public static bool IsGroupEvent(ReadOnlySpan<char> systemText, out ChatLanguage language)
    {
        var text = ChatText.Trim(systemText).TrimEnd('.');
        foreach (var (phrase, phraseLanguage) in GroupEvents)
        {
            if (text.Contains(phrase, StringComparison.OrdinalIgnoreCase))
            {
                language = phraseLanguage;
                return true;
            }
        }

        return EndsWith(text, GroupDepartures, out language);
    }

    /// <summary>The text without the "edited" marker WhatsApp appends, so that an edit does not make a message new.</summary>
    public static ReadOnlySpan<char> WithoutEditedMarker(ReadOnlySpan<char> text)
    {
        var trimmed = ChatText.Trim(text);
        foreach (var (marker, _) in EditedMarkers)
        {
            if (trimmed.EndsWith(marker, StringComparison.OrdinalIgnoreCase))
            {
                return ChatText.Trim(trimmed[..^marker.Length]);
            }
        }

        return trimmed;
    }

    private static bool IsOmittedMedia(ReadOnlySpan<char> text, out ChatLanguage language)
    {
        language = ChatLanguage.Unknown;
        var lastSpace = text.LastIndexOf(' ');
        if (lastSpace <= 0 || !Equal(ChatText.Trim(text[(lastSpace + 1)..]), OmittedWords, out language))
        {
            return false;
        }

        var before = ChatText.Trim(text[..lastSpace]);
        var noun = ChatText.Trim(before[(before.LastIndexOf(' ') + 1)..]);
        foreach (var candidate in MediaNouns)
        {
            if (noun.Equals(candidate, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        language = ChatLanguage.Unknown;
        return false;
    }

    private static bool Equal(ReadOnlySpan<char> text, (string Text, ChatLanguage Language)[] phrases, out ChatLanguage language)
    {
        foreach (var (phrase, phraseLanguage) in phrases)
        {
            if (text.Equals(phrase, StringComparison.OrdinalIgnoreCase))
            {
                language = phraseLanguage;
                return true;
            }
        }

        language = ChatLanguage.Unknown;
        return false;
    }

    private static bool StartsWith(ReadOnlySpan<char> text, (string Text, ChatLanguage Language)[] phrases, out ChatLanguage language)
    {
        foreach (var (phrase, phraseLanguage) in phrases)
        {
            if (text.StartsWith(phrase, StringComparison.OrdinalIgnoreCase))
            {
                language = phraseLanguage;
                return true;
            }
        }

        language = ChatLanguage.Unknown;
        return false;
    }

    private static bool EndsWith(ReadOnlySpan<char> text, (string Text, ChatLanguage Language)[] phrases, out ChatLanguage language)
    {
        foreach (var (phrase, phraseLanguage) in phrases)
        {
            if (text.EndsWith(phrase, StringComparison.OrdinalIgnoreCase))
            {
                language = phraseLanguage;
                return true;
            }
        }

        language = ChatLanguage.Unknown;
        return false;
    }
}
