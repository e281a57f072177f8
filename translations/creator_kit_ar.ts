<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ar" sourcelanguage="en">
<context>
    <name>Batch</name>
    <message>
        <source>A CSV or XLSX sheet</source>
        <translation>جدول بصيغة CSV أو XLSX</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>اختيار…</translation>
    </message>
    <message>
        <source>Sheet</source>
        <translation>الجدول</translation>
    </message>
    <message>
        <source>Output folder</source>
        <translation>مجلد الحفظ</translation>
    </message>
    <message>
        <source>(from the sheet)</source>
        <translation>(حسب الجدول)</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>القالب</translation>
    </message>
    <message>
        <source>This computer (or tcp://HOST:PORT, local:N)</source>
        <translation>هذا الجهاز، أو عنوان مثل tcp://HOST:PORT أو local:N</translation>
    </message>
    <message>
        <source>Run the rows on a Dask cluster: a scheduler&apos;s address, a local cluster of N workers, or a scheduler file</source>
        <translation>تشغيل الصفوف على عنقود Dask: عنوان المجدول، أو عنقود محلي من N عامل، أو ملف المجدول</translation>
    </message>
    <message>
        <source>Cluster</source>
        <translation>العنقود</translation>
    </message>
    <message>
        <source>Check sheet</source>
        <translation>فحص الجدول</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>تشغيل</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>إلغاء</translation>
    </message>
    <message>
        <source>Open summary</source>
        <translation>فتح الملخص</translation>
    </message>
    <message>
        <source>Batch sheet</source>
        <translation>جدول الدفعة</translation>
    </message>
    <message>
        <source>Sheets (*.csv *.xlsx)</source>
        <translation>جداول (*.csv *.xlsx)</translation>
    </message>
    <message>
        <source>Choose a sheet and an output folder</source>
        <translation>اختر جدولًا ومجلدًا للحفظ</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>جارٍ الفحص…</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>الصف</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>العمود</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>المشكلة</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>الناتج</translation>
    </message>
    <message>
        <source>{0} problem(s) to fix; nothing will be rendered</source>
        <translation>مشكلات يجب إصلاحها: {0}؛ لن يُصدَّر أي فيديو</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>في الانتظار</translation>
    </message>
    <message>
        <source>{0} row(s) ready</source>
        <translation>صفوف جاهزة: {0}</translation>
    </message>
    <message>
        <source>Running…</source>
        <translation>جارٍ التشغيل…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>جارٍ الإلغاء…</translation>
    </message>
    <message>
        <source>Rows {0}/{1}</source>
        <translation>الصفوف {0}/{1}</translation>
    </message>
    <message>
        <source>about {0} s left</source>
        <translation>متبقٍّ {0} ث تقريبًا</translation>
    </message>
    <message>
        <source>{0}: {1} done, {2} running</source>
        <translation>{0}: اكتمل {1}، قيد التشغيل {2}</translation>
    </message>
    <message>
        <source>Done: {0}</source>
        <translation>تمّ: {0}</translation>
    </message>
    <message>
        <source>Some rows failed: {0}</source>
        <translation>تعذّر إنجاز بعض الصفوف: {0}</translation>
    </message>
    <message>
        <source>Cancelled: {0}</source>
        <translation>أُلغي: {0}</translation>
    </message>
    <message>
        <source>Stopped: {0}</source>
        <translation>توقّف: {0}</translation>
    </message>
</context>
<context>
    <name>Export</name>
    <message>
        <source>Written: {0}</source>
        <translation>تم الحفظ: {0}</translation>
    </message>
    <message>
        <source>Cancelled; nothing was written</source>
        <translation>أُلغي التصدير؛ لم يُحفظ أي ملف</translation>
    </message>
    <message>
        <source>The export failed</source>
        <translation>تعذّر التصدير</translation>
    </message>
    <message>
        <source>Cancelled before it started</source>
        <translation>أُلغي قبل أن يبدأ</translation>
    </message>
    <message>
        <source>{0}: {1}% ({2} left)</source>
        <translation>{0}: ‏{1}% (متبقٍّ {2})</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>في الانتظار</translation>
    </message>
    <message>
        <source>done</source>
        <translation>اكتمل</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>تعذّر</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>أُلغي</translation>
    </message>
    <message>
        <source>Cancel job</source>
        <translation>إلغاء المهمة</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>عرض في المجلد</translation>
    </message>
    <message>
        <source>Export video</source>
        <translation>تصدير الفيديو</translation>
    </message>
    <message>
        <source>Platform</source>
        <translation>المنصة</translation>
    </message>
    <message>
        <source>The MP4 file to write</source>
        <translation>ملف MP4 الذي سيُحفظ</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>استعراض…</translation>
    </message>
    <message>
        <source>File</source>
        <translation>الملف</translation>
    </message>
    <message>
        <source>Platform default</source>
        <translation>إعداد المنصة الافتراضي</translation>
    </message>
    <message>
        <source>x264 CRF: lower is better and larger; the platform default is 20</source>
        <translation>قيمة CRF في x264: الأقل أجود وأكبر حجمًا؛ القيمة الافتراضية للمنصة 20</translation>
    </message>
    <message>
        <source>Quality (CRF)</source>
        <translation>الجودة (CRF)</translation>
    </message>
    <message>
        <source>Encoder speed</source>
        <translation>سرعة الترميز</translation>
    </message>
    <message>
        <source>Platform default (30)</source>
        <translation>إعداد المنصة الافتراضي (30)</translation>
    </message>
    <message>
        <source>Frame rate</source>
        <translation>معدل الإطارات</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>جاهز</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>تصدير</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>إلغاء</translation>
    </message>
    <message>
        <source>Export to</source>
        <translation>التصدير إلى</translation>
    </message>
    <message>
        <source>MP4 video (*.mp4)</source>
        <translation>فيديو MP4 (*.mp4)</translation>
    </message>
    <message>
        <source>Replace file?</source>
        <translation>استبدال الملف؟</translation>
    </message>
    <message>
        <source>{0} already exists. Replace it?</source>
        <translation>الملف {0} موجود بالفعل. هل تريد استبداله؟</translation>
    </message>
    <message>
        <source>Choose a file to write</source>
        <translation>اختر ملفًا للحفظ</translation>
    </message>
    <message>
        <source>Not exported: the existing file was kept</source>
        <translation>لم يتم التصدير: أُبقي على الملف الموجود</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>جارٍ الإلغاء…</translation>
    </message>
    <message>
        <source>Waiting for the export before it</source>
        <translation>في انتظار انتهاء التصدير السابق</translation>
    </message>
    <message>
        <source>Starting the export…</source>
        <translation>جارٍ بدء التصدير…</translation>
    </message>
    <message>
        <source>Exporting ({0}): {1}% — {2} left</source>
        <translation>جارٍ التصدير ({0}): ‏{1}% — متبقٍّ {2}</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>إغلاق</translation>
    </message>
    <message>
        <source>finding faces</source>
        <translation>البحث عن الوجوه</translation>
    </message>
    <message>
        <source>mixing the sound</source>
        <translation>مزج الصوت</translation>
    </message>
    <message>
        <source>rendering</source>
        <translation>التصيير</translation>
    </message>
    <message>
        <source>checking the file</source>
        <translation>فحص الملف</translation>
    </message>
    <message>
        <source>The file breaks the platform&apos;s upload rules:</source>
        <translation>الملف لا يستوفي شروط الرفع على المنصة:</translation>
    </message>
    <message>
        <source>Ready to upload: the file meets the platform&apos;s rules.</source>
        <translation>جاهز للرفع: الملف يستوفي شروط المنصة.</translation>
    </message>
</context>
<context>
    <name>Inspector</name>
    <message>
        <source>none</source>
        <translation>بلا</translation>
    </message>
    <message>
        <source>fade</source>
        <translation>تلاشٍ</translation>
    </message>
    <message>
        <source>slide</source>
        <translation>انزلاق</translation>
    </message>
    <message>
        <source>pop</source>
        <translation>قفزة</translation>
    </message>
    <message>
        <source>top-start</source>
        <translation>أعلى البداية</translation>
    </message>
    <message>
        <source>top</source>
        <translation>أعلى</translation>
    </message>
    <message>
        <source>top-end</source>
        <translation>أعلى النهاية</translation>
    </message>
    <message>
        <source>center</source>
        <translation>الوسط</translation>
    </message>
    <message>
        <source>bottom-start</source>
        <translation>أسفل البداية</translation>
    </message>
    <message>
        <source>bottom</source>
        <translation>أسفل</translation>
    </message>
    <message>
        <source>bottom-end</source>
        <translation>أسفل النهاية</translation>
    </message>
    <message>
        <source>clean</source>
        <translation>بسيط</translation>
    </message>
    <message>
        <source>bold-box</source>
        <translation>صندوق عريض</translation>
    </message>
    <message>
        <source>outline</source>
        <translation>محدَّد</translation>
    </message>
    <message>
        <source>karaoke</source>
        <translation>كاريوكي</translation>
    </message>
    <message>
        <source> s</source>
        <translation> ث</translation>
    </message>
    <message>
        <source> px</source>
        <translation> بكسل</translation>
    </message>
    <message>
        <source>Pick a colour</source>
        <translation>اختر لونًا</translation>
    </message>
    <message>
        <source>Custom position</source>
        <translation>موضع مخصّص</translation>
    </message>
    <message>
        <source>Placed by hand (dragged on the preview or typed in Position X and Y); pick a slot to put it back in one</source>
        <translation>وُضع يدويًا (بالسحب على المعاينة أو بكتابة الموضع الأفقي والرأسي)؛ اختر مكانًا لإعادته إليه</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>البداية</translation>
    </message>
    <message>
        <source>End (0 = to the end)</source>
        <translation>النهاية (0 = حتى الآخر)</translation>
    </message>
    <message>
        <source>Opacity</source>
        <translation>العتامة</translation>
    </message>
    <message>
        <source>Position X</source>
        <translation>الموضع الأفقي</translation>
    </message>
    <message>
        <source>Fraction of the frame width; drag on the preview</source>
        <translation>نسبة من عرض الإطار؛ اسحب على المعاينة</translation>
    </message>
    <message>
        <source>Position Y</source>
        <translation>الموضع الرأسي</translation>
    </message>
    <message>
        <source>Entrance</source>
        <translation>الظهور</translation>
    </message>
    <message>
        <source>Entrance length</source>
        <translation>مدة الظهور</translation>
    </message>
    <message>
        <source>Slides in</source>
        <translation>ينزلق داخلًا</translation>
    </message>
    <message>
        <source>Exit</source>
        <translation>الاختفاء</translation>
    </message>
    <message>
        <source>Exit length</source>
        <translation>مدة الاختفاء</translation>
    </message>
    <message>
        <source>Slides out</source>
        <translation>ينزلق خارجًا</translation>
    </message>
    <message>
        <source>How long the animation takes</source>
        <translation>كم تستغرق الحركة</translation>
    </message>
    <message>
        <source>from below</source>
        <translation>من الأسفل</translation>
    </message>
    <message>
        <source>from above</source>
        <translation>من الأعلى</translation>
    </message>
    <message>
        <source>from the left</source>
        <translation>من اليسار</translation>
    </message>
    <message>
        <source>from the right</source>
        <translation>من اليمين</translation>
    </message>
    <message>
        <source>upwards</source>
        <translation>إلى الأعلى</translation>
    </message>
    <message>
        <source>downwards</source>
        <translation>إلى الأسفل</translation>
    </message>
    <message>
        <source>to the left</source>
        <translation>إلى اليسار</translation>
    </message>
    <message>
        <source>to the right</source>
        <translation>إلى اليمين</translation>
    </message>
    <message>
        <source>Project</source>
        <translation>المشروع</translation>
    </message>
    <message>
        <source>Platform</source>
        <translation>المنصة</translation>
    </message>
    <message>
        <source>Reframe</source>
        <translation>ملاءمة الإطار</translation>
    </message>
    <message>
        <source>Fill (crop)</source>
        <translation>ملء (قص)</translation>
    </message>
    <message>
        <source>Fit (bars)</source>
        <translation>احتواء (بأشرطة)</translation>
    </message>
    <message>
        <source>Fit over blur</source>
        <translation>احتواء فوق خلفية ضبابية</translation>
    </message>
    <message>
        <source>Follow faces</source>
        <translation>تتبّع الوجوه</translation>
    </message>
    <message>
        <source>How a landscape clip fills the vertical frame</source>
        <translation>كيف يملأ المقطع الأفقي الإطار الرأسي</translation>
    </message>
    <message>
        <source>Fill offset</source>
        <translation>إزاحة القص</translation>
    </message>
    <message>
        <source>With Fill: moves the crop window; drag the picture on the preview</source>
        <translation>مع «ملء»: تحرّك نافذة القص؛ اسحب الصورة على المعاينة</translation>
    </message>
    <message>
        <source>Bar colour</source>
        <translation>لون الأشرطة</translation>
    </message>
    <message>
        <source>Keep clip sound</source>
        <translation>الإبقاء على صوت المقطع</translation>
    </message>
    <message>
        <source>Clip volume</source>
        <translation>مستوى صوت المقطع</translation>
    </message>
    <message>
        <source>A music bed mixed under the clips&apos; sound</source>
        <translation>موسيقى خلفية تُمزج تحت صوت المقاطع</translation>
    </message>
    <message>
        <source>Music</source>
        <translation>الموسيقى</translation>
    </message>
    <message>
        <source>Music volume</source>
        <translation>مستوى صوت الموسيقى</translation>
    </message>
    <message>
        <source>Normalise loudness</source>
        <translation>توحيد مستوى الصوت</translation>
    </message>
    <message>
        <source>Loudness target</source>
        <translation>مستوى الصوت المستهدف</translation>
    </message>
    <message>
        <source>Closing card</source>
        <translation>البطاقة الختامية</translation>
    </message>
    <message>
        <source>None (choose…)</source>
        <translation>لا شيء (اختيار…)</translation>
    </message>
    <message>
        <source>Music bed</source>
        <translation>موسيقى الخلفية</translation>
    </message>
    <message>
        <source>Audio (*.mp3 *.m4a *.aac *.wav *.ogg *.flac);;All files (*)</source>
        <translation>ملفات صوت (*.mp3 *.m4a *.aac *.wav *.ogg *.flac);;كل الملفات (*)</translation>
    </message>
    <message>
        <source>Caption</source>
        <translation>النص</translation>
    </message>
    <message>
        <source>Type the caption (Arabic, English, #hashtags, emoji)</source>
        <translation>اكتب النص (عربي، إنجليزي، #وسوم، إيموجي)</translation>
    </message>
    <message>
        <source>Each paragraph takes its direction from its first letters</source>
        <translation>تأخذ كل فقرة اتجاهها من أول حروفها</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>المحتوى</translation>
    </message>
    <message>
        <source>Style</source>
        <translation>النمط</translation>
    </message>
    <message>
        <source>Template style</source>
        <translation>نمط القالب</translation>
    </message>
    <message>
        <source>The caption&apos;s own style, from its template or project file; pick a style to replace it</source>
        <translation>النمط الخاص بهذا النص، من قالبه أو من ملف المشروع؛ اختر نمطًا ليحلّ محلّه</translation>
    </message>
    <message>
        <source>Font</source>
        <translation>الخط</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>الحجم</translation>
    </message>
    <message>
        <source>Colour</source>
        <translation>اللون</translation>
    </message>
    <message>
        <source>Highlight</source>
        <translation>التمييز</translation>
    </message>
    <message>
        <source>None</source>
        <translation>بلا</translation>
    </message>
    <message>
        <source>Word by word</source>
        <translation>كلمة بكلمة</translation>
    </message>
    <message>
        <source>Automatic position</source>
        <translation>موضع تلقائي</translation>
    </message>
    <message>
        <source>End</source>
        <translation>النهاية</translation>
    </message>
    <message>
        <source>Timed cues</source>
        <translation>مقاطع نصية موقّتة</translation>
    </message>
    <message>
        <source>Import subtitles…</source>
        <translation>استيراد ترجمة…</translation>
    </message>
    <message>
        <source>SRT, VTT or ASS, any common encoding</source>
        <translation>SRT أو VTT أو ASS، بأي ترميز شائع</translation>
    </message>
    <message>
        <source>Export subtitles…</source>
        <translation>تصدير الترجمة…</translation>
    </message>
    <message>
        <source>Caption text</source>
        <translation>تعديل النص</translation>
    </message>
    <message>
        <source>Cue</source>
        <translation>مقطع نصي</translation>
    </message>
    <message>
        <source>Import subtitles</source>
        <translation>استيراد ترجمة</translation>
    </message>
    <message>
        <source>Subtitles (*.srt *.vtt *.ass *.ssa);;All files (*)</source>
        <translation>ملفات ترجمة (*.srt *.vtt *.ass *.ssa);;كل الملفات (*)</translation>
    </message>
    <message>
        <source>Export subtitles</source>
        <translation>تصدير الترجمة</translation>
    </message>
    <message>
        <source>SubRip (*.srt);;WebVTT (*.vtt);;ASS (*.ass)</source>
        <translation>SubRip (*.srt);;WebVTT (*.vtt);;ASS (*.ass)</translation>
    </message>
    <message>
        <source>Sticker</source>
        <translation>الملصق</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>اللغة</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>العبارة</translation>
    </message>
    <message>
        <source>Empty: the sticker&apos;s own words</source>
        <translation>فارغ: عبارة الملصق الأصلية</translation>
    </message>
    <message>
        <source>Width</source>
        <translation>العرض</translation>
    </message>
    <message>
        <source>Fraction of the frame width; resize on the preview</source>
        <translation>نسبة من عرض الإطار؛ غيّر الحجم على المعاينة</translation>
    </message>
    <message>
        <source>Slot</source>
        <translation>المكان</translation>
    </message>
    <message>
        <source>Tip card</source>
        <translation>بطاقة نصيحة</translation>
    </message>
    <message>
        <source>Tip</source>
        <translation>النصيحة</translation>
    </message>
    <message>
        <source>Face mask</source>
        <translation>الكمامة</translation>
    </message>
    <message>
        <source>Faces (track ids)</source>
        <translation>الوجوه (أرقام التتبّع)</translation>
    </message>
    <message>
        <source>Empty: every face; else ids like 1,3 (shown with the face boxes overlay)</source>
        <translation>فارغ: كل الوجوه؛ أو أرقام مثل 1,3 (تظهر مع مربعات الوجوه)</translation>
    </message>
    <message>
        <source>Fade</source>
        <translation>التلاشي</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>الصورة</translation>
    </message>
    <message>
        <source>Clip</source>
        <translation>المقطع</translation>
    </message>
    <message>
        <source>File</source>
        <translation>الملف</translation>
    </message>
    <message>
        <source>In</source>
        <translation>البداية</translation>
    </message>
    <message>
        <source>Out (0 = to the end)</source>
        <translation>النهاية (0 = حتى الآخر)</translation>
    </message>
    <message>
        <source>When the sound is longer</source>
        <translation>إذا كان الصوت أطول</translation>
    </message>
    <message>
        <source>Cut the sound</source>
        <translation>قص الصوت</translation>
    </message>
    <message>
        <source>Hold the last frame</source>
        <translation>تثبيت الإطار الأخير</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>المدة</translation>
    </message>
    <message>
        <source>Background</source>
        <translation>الخلفية</translation>
    </message>
    <message>
        <source>Gradient</source>
        <translation>تدرّج لوني</translation>
    </message>
    <message>
        <source>Last frame, blurred</source>
        <translation>الإطار الأخير بشكل ضبابي</translation>
    </message>
    <message>
        <source>Second colour</source>
        <translation>اللون الثاني</translation>
    </message>
    <message>
        <source>Your handle</source>
        <translation>حسابك</translation>
    </message>
    <message>
        <source>Your account name, shown small at the bottom of the card</source>
        <translation>اسم حسابك، يظهر صغيرًا أسفل البطاقة</translation>
    </message>
    <message>
        <source>The logos on the card, from left to right</source>
        <translation>الشعارات على البطاقة، من اليسار إلى اليمين</translation>
    </message>
    <message>
        <source>Add logo…</source>
        <translation>إضافة شعار…</translation>
    </message>
    <message>
        <source>Logos</source>
        <translation>الشعارات</translation>
    </message>
    <message>
        <source>Headline</source>
        <translation>العنوان الرئيسي</translation>
    </message>
    <message>
        <source>The big line on the card (the campaign&apos;s slogan)</source>
        <translation>السطر الكبير على البطاقة (شعار الحملة)</translation>
    </message>
    <message>
        <source>Hashtags</source>
        <translation>الهاشتاجات</translation>
    </message>
    <message>
        <source>The campaign hashtags on the card</source>
        <translation>هاشتاجات الحملة على البطاقة</translation>
    </message>
    <message>
        <source>Call to action</source>
        <translation>الدعوة إلى التفاعل</translation>
    </message>
    <message>
        <source>What the viewer should do, on a box like a button</source>
        <translation>ما ندعو المشاهد إلى فعله، داخل مربع كالزر</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>إزالة</translation>
    </message>
    <message>
        <source>Take the selected logo off the card</source>
        <translation>إزالة الشعار المحدد من البطاقة</translation>
    </message>
    <message>
        <source>Move left</source>
        <translation>نقل إلى اليسار</translation>
    </message>
    <message>
        <source>Move right</source>
        <translation>نقل إلى اليمين</translation>
    </message>
    <message>
        <source>Remove logo</source>
        <translation>إزالة شعار</translation>
    </message>
    <message>
        <source>Move logo</source>
        <translation>نقل شعار</translation>
    </message>
    <message>
        <source>Logo</source>
        <translation>الشعار</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.webp *.svg)</source>
        <translation>صور (*.png *.jpg *.jpeg *.webp *.svg)</translation>
    </message>
    <message>
        <source>Add logo</source>
        <translation>إضافة شعار</translation>
    </message>
    <message>
        <source>Open a clip to start</source>
        <translation>افتح مقطعًا للبدء</translation>
    </message>
</context>
<context>
    <name>Library</name>
    <message>
        <source>Your caption</source>
        <translation>نصّك هنا</translation>
    </message>
    <message>
        <source>The clips of the project, in play order</source>
        <translation>مقاطع المشروع بترتيب تشغيلها</translation>
    </message>
    <message>
        <source>Add clips…</source>
        <translation>إضافة مقاطع…</translation>
    </message>
    <message>
        <source>Add video clips, images, music or subtitles</source>
        <translation>أضف مقاطع فيديو أو صورًا أو موسيقى أو ترجمة</translation>
    </message>
    <message>
        <source>Media</source>
        <translation>الوسائط</translation>
    </message>
    <message>
        <source>Templates</source>
        <translation>القوالب</translation>
    </message>
    <message>
        <source>Stickers</source>
        <translation>الملصقات</translation>
    </message>
    <message>
        <source>Tip cards</source>
        <translation>بطاقات النصائح</translation>
    </message>
    <message>
        <source>Masks</source>
        <translation>الكمامات</translation>
    </message>
    <message>
        <source>{0}–{1} s</source>
        <translation>{0}–{1} ث</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>The frame as it will be exported; drag the selected layer to move it</source>
        <translation>الإطار كما سيُصدَّر؛ اسحب الطبقة المحددة لتحريكها</translation>
    </message>
    <message>
        <source>Library</source>
        <translation>المكتبة</translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation>الخصائص</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>الخط الزمني</translation>
    </message>
    <message>
        <source>Exports</source>
        <translation>التصديرات</translation>
    </message>
    <message>
        <source>Analysing faces %p%</source>
        <translation>جارٍ تحليل الوجوه %p%</translation>
    </message>
    <message>
        <source>Play or pause (Space)</source>
        <translation>تشغيل أو إيقاف مؤقت (مسافة)</translation>
    </message>
    <message>
        <source>Current time</source>
        <translation>الوقت الحالي</translation>
    </message>
    <message>
        <source>Safe zone</source>
        <translation>المنطقة الآمنة</translation>
    </message>
    <message>
        <source>Show the platform&apos;s interface bands</source>
        <translation>إظهار أشرطة واجهة المنصة</translation>
    </message>
    <message>
        <source>Faces</source>
        <translation>الوجوه</translation>
    </message>
    <message>
        <source>Show face boxes with their track ids</source>
        <translation>إظهار مربعات الوجوه مع أرقام تتبّعها</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>الشبكة</translation>
    </message>
    <message>
        <source>Show a title-safe grid</source>
        <translation>إظهار شبكة المنطقة الآمنة للنصوص</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;ملف</translation>
    </message>
    <message>
        <source>Open clip…</source>
        <translation>فتح مقطع…</translation>
    </message>
    <message>
        <source>Open project…</source>
        <translation>فتح مشروع…</translation>
    </message>
    <message>
        <source>Open recent</source>
        <translation>فتح ملف حديث</translation>
    </message>
    <message>
        <source>Add media…</source>
        <translation>إضافة وسائط…</translation>
    </message>
    <message>
        <source>Add clips, images, music or subtitles</source>
        <translation>أضف مقاطع أو صورًا أو موسيقى أو ترجمة</translation>
    </message>
    <message>
        <source>Relink missing media…</source>
        <translation>إعادة ربط الوسائط المفقودة…</translation>
    </message>
    <message>
        <source>Find files that were moved, renamed or unplugged</source>
        <translation>ابحث عن ملفات نُقلت أو تغيّر اسمها أو فُصل قرصها</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>حفظ</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>حفظ باسم…</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>تصدير…</translation>
    </message>
    <message>
        <source>Render an upload-ready MP4</source>
        <translation>إنشاء ملف MP4 جاهز للرفع</translation>
    </message>
    <message>
        <source>Batch…</source>
        <translation>إنتاج دفعة…</translation>
    </message>
    <message>
        <source>One video per spreadsheet row</source>
        <translation>فيديو لكل صف في الجدول</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>خروج</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;تحرير</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>تراجع</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>إعادة</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>حذف</translation>
    </message>
    <message>
        <source>Remove the selected layer</source>
        <translation>إزالة الطبقة المحددة</translation>
    </message>
    <message>
        <source>Add caption</source>
        <translation>إضافة نص</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>الإعدادات…</translation>
    </message>
    <message>
        <source>&amp;Playback</source>
        <translation>&amp;تشغيل</translation>
    </message>
    <message>
        <source>Play / pause</source>
        <translation>تشغيل / إيقاف مؤقت</translation>
    </message>
    <message>
        <source>Next frame</source>
        <translation>الإطار التالي</translation>
    </message>
    <message>
        <source>Previous frame</source>
        <translation>الإطار السابق</translation>
    </message>
    <message>
        <source>Go to start</source>
        <translation>الانتقال إلى البداية</translation>
    </message>
    <message>
        <source>Go to end</source>
        <translation>الانتقال إلى النهاية</translation>
    </message>
    <message>
        <source>Zoom timeline in</source>
        <translation>تكبير الخط الزمني</translation>
    </message>
    <message>
        <source>Zoom timeline out</source>
        <translation>تصغير الخط الزمني</translation>
    </message>
    <message>
        <source>&amp;Templates</source>
        <translation>&amp;قوالب</translation>
    </message>
    <message>
        <source>Apply template…</source>
        <translation>تطبيق قالب…</translation>
    </message>
    <message>
        <source>Save look as template…</source>
        <translation>حفظ الشكل كقالب…</translation>
    </message>
    <message>
        <source>Import template pack…</source>
        <translation>استيراد حزمة قوالب…</translation>
    </message>
    <message>
        <source>Export template pack…</source>
        <translation>تصدير حزمة قوالب…</translation>
    </message>
    <message>
        <source>Fill offset</source>
        <translation>إزاحة القص</translation>
    </message>
    <message>
        <source>Move layer</source>
        <translation>تحريك الطبقة</translation>
    </message>
    <message>
        <source>creator-kit</source>
        <translation>creator-kit</translation>
    </message>
    <message>
        <source>Settings saved; the language and digits change when creator-kit starts again</source>
        <translation>تم حفظ الإعدادات؛ تتغير اللغة والأرقام عند تشغيل creator-kit من جديد</translation>
    </message>
    <message>
        <source>Settings saved</source>
        <translation>تم حفظ الإعدادات</translation>
    </message>
    <message>
        <source>No media is missing</source>
        <translation>لا توجد وسائط مفقودة</translation>
    </message>
    <message>
        <source>Relink media</source>
        <translation>إعادة ربط الوسائط</translation>
    </message>
    <message>
        <source>Add clips</source>
        <translation>إضافة مقاطع</translation>
    </message>
    <message>
        <source>{0}: open a clip first</source>
        <translation>{0}: افتح مقطعًا أولًا</translation>
    </message>
    <message>
        <source>Add image</source>
        <translation>إضافة صورة</translation>
    </message>
    <message>
        <source>Import subtitles</source>
        <translation>استيراد ترجمة</translation>
    </message>
    <message>
        <source>Music</source>
        <translation>الموسيقى</translation>
    </message>
    <message>
        <source>Caption</source>
        <translation>النص</translation>
    </message>
    <message>
        <source>Clips</source>
        <translation>المقاطع</translation>
    </message>
    <message>
        <source>{0}: not a clip, image, subtitle, audio, project or template pack file</source>
        <translation>{0}: ليس مقطعًا أو صورة أو ترجمة أو ملف صوت أو مشروعًا أو حزمة قوالب</translation>
    </message>
    <message>
        <source>Open a clip first</source>
        <translation>افتح مقطعًا أولًا</translation>
    </message>
    <message>
        <source>Add sticker</source>
        <translation>إضافة ملصق</translation>
    </message>
    <message>
        <source>Add tip card</source>
        <translation>إضافة بطاقة نصيحة</translation>
    </message>
    <message>
        <source>Mask style</source>
        <translation>نوع الكمامة</translation>
    </message>
    <message>
        <source>Add face mask</source>
        <translation>إضافة كمامة</translation>
    </message>
    <message>
        <source>Remove clip</source>
        <translation>إزالة المقطع</translation>
    </message>
    <message>
        <source>Remove closing card</source>
        <translation>إزالة البطاقة الختامية</translation>
    </message>
    <message>
        <source>Remove layer</source>
        <translation>إزالة الطبقة</translation>
    </message>
    <message>
        <source>Media (*.mp4 *.mov *.m4v *.mkv *.webm *.png *.jpg *.jpeg *.webp *.svg *.srt *.vtt *.ass *.mp3 *.m4a *.wav);;All files (*)</source>
        <translation>وسائط (*.mp4 *.mov *.m4v *.mkv *.webm *.png *.jpg *.jpeg *.webp *.svg *.srt *.vtt *.ass *.mp3 *.m4a *.wav);;كل الملفات (*)</translation>
    </message>
    <message>
        <source>Open clips</source>
        <translation>فتح مقاطع</translation>
    </message>
    <message>
        <source>Videos (*.mp4 *.mov *.m4v *.mkv *.webm *.avi);;All files (*)</source>
        <translation>مقاطع فيديو (*.mp4 *.mov *.m4v *.mkv *.webm *.avi);;كل الملفات (*)</translation>
    </message>
    <message>
        <source>Add media</source>
        <translation>إضافة وسائط</translation>
    </message>
    <message>
        <source>Open project</source>
        <translation>فتح مشروع</translation>
    </message>
    <message>
        <source>Projects (*.ckproj)</source>
        <translation>مشاريع (*.ckproj)</translation>
    </message>
    <message>
        <source>Save project</source>
        <translation>حفظ المشروع</translation>
    </message>
    <message>
        <source>Saved {0}</source>
        <translation>تم حفظ {0}</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>تغييرات غير محفوظة</translation>
    </message>
    <message>
        <source>Save the changes to {0}?</source>
        <translation>هل تريد حفظ التغييرات في {0}؟</translation>
    </message>
    <message>
        <source>an unsaved project</source>
        <translation>مشروع غير محفوظ</translation>
    </message>
    <message>
        <source>Restore unsaved work?</source>
        <translation>استعادة العمل غير المحفوظ؟</translation>
    </message>
    <message>
        <source>creator-kit did not close properly. Restore the changes to {0}?</source>
        <translation>لم يُغلق creator-kit بشكل سليم. هل تريد استعادة التغييرات في {0}؟</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>إنتاج دفعة</translation>
    </message>
    <message>
        <source>Clips for the template</source>
        <translation>مقاطع للقالب</translation>
    </message>
    <message>
        <source>Open a clip first, then pick a template</source>
        <translation>افتح مقطعًا أولًا، ثم اختر قالبًا</translation>
    </message>
    <message>
        <source>Apply template {0}</source>
        <translation>تطبيق القالب {0}</translation>
    </message>
    <message>
        <source>Template saved</source>
        <translation>تم حفظ القالب</translation>
    </message>
    <message>
        <source>Import template pack</source>
        <translation>استيراد حزمة قوالب</translation>
    </message>
    <message>
        <source>Template packs (*.ckpack)</source>
        <translation>حزم القوالب (*.ckpack)</translation>
    </message>
    <message>
        <source>Template {0} imported</source>
        <translation>تم استيراد القالب {0}</translation>
    </message>
    <message>
        <source>Export template pack</source>
        <translation>تصدير حزمة قوالب</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>القالب</translation>
    </message>
    <message>
        <source>Save pack</source>
        <translation>حفظ الحزمة</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <source>file not found</source>
        <translation>الملف غير موجود</translation>
    </message>
    <message>
        <source>this file is not a video that creator-kit can use</source>
        <translation>هذا الملف ليس فيديو يمكن لـ creator-kit استخدامه</translation>
    </message>
    <message>
        <source>the file is incomplete: its end is missing (an interrupted copy or export?)</source>
        <translation>الملف غير مكتمل: نهايته مفقودة (ربما انقطع النسخ أو التصدير)</translation>
    </message>
    <message>
        <source>a file with this name already exists; choose another name or allow replacing it</source>
        <translation>يوجد ملف بهذا الاسم بالفعل؛ اختر اسمًا آخر أو اسمح باستبداله</translation>
    </message>
    <message>
        <source>the disk is full; free some space and try again</source>
        <translation>القرص ممتلئ؛ أفرغ بعض المساحة ثم حاول مرة أخرى</translation>
    </message>
    <message>
        <source>permission denied: this file or folder cannot be read or written by you</source>
        <translation>تم رفض الإذن: لا تملك صلاحية القراءة أو الكتابة في هذا الملف أو المجلد</translation>
    </message>
    <message>
        <source>the folder is on a read-only disk; choose another folder</source>
        <translation>المجلد على قرص للقراءة فقط؛ اختر مجلدًا آخر</translation>
    </message>
    <message>
        <source>“{field}” cannot take this value: {detail}</source>
        <translation>قيمة غير مقبولة في «{field}»: {detail}</translation>
    </message>
    <message>
        <source>cancelled; nothing was written</source>
        <translation>أُلغيت العملية؛ لم يُحفظ أي ملف</translation>
    </message>
    <message>
        <source>there is no template called “{name}”; the templates are: {available}</source>
        <translation>لا يوجد قالب باسم «{name}»؛ القوالب المتاحة: {available}</translation>
    </message>
    <message>
        <source>this column is not one creator-kit knows; check its spelling</source>
        <translation>هذا العمود غير معروف لـ creator-kit؛ راجع كتابة اسمه</translation>
    </message>
    <message>
        <source>the sheet needs this column</source>
        <translation>الجدول يحتاج إلى هذا العمود</translation>
    </message>
    <message>
        <source>no source clip in this row</source>
        <translation>لا يوجد مقطع في هذا الصف</translation>
    </message>
    <message>
        <source>no output file name in this row</source>
        <translation>لا يوجد اسم لملف الناتج في هذا الصف</translation>
    </message>
    <message>
        <source>no template: fill in this column or choose a template above</source>
        <translation>لا يوجد قالب: املأ هذا العمود أو اختر قالبًا من الأعلى</translation>
    </message>
    <message>
        <source>“{name}” is also the output of row {row}; each row needs its own file name</source>
        <translation>«{name}» هو أيضًا ناتج الصف {row}؛ كل صف يحتاج إلى اسم ملف خاص به</translation>
    </message>
    <message>
        <source>the sheet has a header row but no rows below it</source>
        <translation>في الجدول صف العناوين فقط، ولا توجد صفوف تحته</translation>
    </message>
</context>
<context>
    <name>Numbers</name>
    <message>
        <source>{0} KB</source>
        <translation>{0} كيلوبايت</translation>
    </message>
    <message>
        <source>{0} MB</source>
        <translation>{0} ميجابايت</translation>
    </message>
    <message>
        <source>{0} GB</source>
        <translation>{0} جيجابايت</translation>
    </message>
</context>
<context>
    <name>Player</name>
    <message>
        <source>The audio output is not playing: going on without sound, timed by the system clock.</source>
        <translation>مخرج الصوت لا يعمل: يستمر التشغيل دون صوت وفق ساعة النظام.</translation>
    </message>
    <message>
        <source>No audio output found: playing without sound, timed by the system clock.</source>
        <translation>لم يُعثر على مخرج صوت: يجري التشغيل دون صوت وفق ساعة النظام.</translation>
    </message>
    <message>
        <source>The preview failed: {error}</source>
        <translation>تعذّرت المعاينة: {error}</translation>
    </message>
    <message>
        <source>Preview: drag a selected layer to move it, its corners to resize</source>
        <translation>المعاينة: اسحب الطبقة المحددة لتحريكها، وزواياها لتغيير حجمها</translation>
    </message>
    <message>
        <source>Loading preview…</source>
        <translation>جارٍ تحميل المعاينة…</translation>
    </message>
    <message>
        <source>face {id}</source>
        <translation>وجه {id}</translation>
    </message>
</context>
<context>
    <name>Relink</name>
    <message>
        <source>Missing media</source>
        <translation>وسائط مفقودة</translation>
    </message>
    <message>
        <source>These files of the project were moved, renamed or are on a drive that is not plugged in:</source>
        <translation>هذه الملفات من المشروع نُقلت أو تغيّر اسمها أو موجودة على قرص غير متصل:</translation>
    </message>
    <message>
        <source>Missing file</source>
        <translation>الملف المفقود</translation>
    </message>
    <message>
        <source>Found at</source>
        <translation>عُثر عليه في</translation>
    </message>
    <message>
        <source>Search folder…</source>
        <translation>البحث في مجلد…</translation>
    </message>
    <message>
        <source>Look through a folder and its subfolders</source>
        <translation>البحث في مجلد ومجلداته الفرعية</translation>
    </message>
    <message>
        <source>Locate…</source>
        <translation>تحديد المكان…</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>فتح</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>إلغاء</translation>
    </message>
    <message>
        <source>{0} file(s) still missing; the project opens anyway and names them.</source>
        <translation>ملفات لا تزال مفقودة: {0}؛ سيُفتح المشروع رغم ذلك مع ذكر أسمائها.</translation>
    </message>
    <message>
        <source>Every file was found.</source>
        <translation>تم العثور على كل الملفات.</translation>
    </message>
    <message>
        <source>Search in folder</source>
        <translation>البحث في مجلد</translation>
    </message>
    <message>
        <source>Locate {0}</source>
        <translation>تحديد مكان {0}</translation>
    </message>
    <message>
        <source>{0} is not the same file as the one the project used (size or content differ); using it anyway.</source>
        <translation>الملف {0} ليس هو نفسه الذي استخدمه المشروع (يختلف الحجم أو المحتوى)؛ سيُستخدم رغم ذلك.</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <source>Off</source>
        <translation>متوقف</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>الإعدادات</translation>
    </message>
    <message>
        <source>As the system</source>
        <translation>حسب النظام</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>اللغة</translation>
    </message>
    <message>
        <source>As the language and region</source>
        <translation>حسب اللغة والمنطقة</translation>
    </message>
    <message>
        <source>Western (0 1 2 3)</source>
        <translation>غربية (0 1 2 3)</translation>
    </message>
    <message>
        <source>Eastern Arabic (٠ ١ ٢ ٣)</source>
        <translation>عربية مشرقية (٠ ١ ٢ ٣)</translation>
    </message>
    <message>
        <source>Digits</source>
        <translation>الأرقام</translation>
    </message>
    <message>
        <source>The language and the digits change the next time creator-kit starts.</source>
        <translation>تتغير اللغة والأرقام في المرة القادمة التي تشغّل فيها creator-kit.</translation>
    </message>
    <message>
        <source>The platform a new project is exported for</source>
        <translation>المنصة التي يُصدَّر لها كل مشروع جديد</translation>
    </message>
    <message>
        <source>Platform for new projects</source>
        <translation>منصة المشاريع الجديدة</translation>
    </message>
    <message>
        <source>None</source>
        <translation>بدون</translation>
    </message>
    <message>
        <source>Applied to the clips of every new project</source>
        <translation>يُطبَّق على مقاطع كل مشروع جديد</translation>
    </message>
    <message>
        <source>Template for new projects</source>
        <translation>قالب المشاريع الجديدة</translation>
    </message>
    <message>
        <source> s</source>
        <translation> ث</translation>
    </message>
    <message>
        <source>How often unsaved work is kept for recovery after a crash (10 s to an hour, 0 = off)</source>
        <translation>كل كم يُحفظ العمل غير المحفوظ لاستعادته بعد أي توقف مفاجئ (من 10 ثوانٍ إلى ساعة، و0 = متوقف)</translation>
    </message>
    <message>
        <source>Autosave every</source>
        <translation>حفظ تلقائي كل</translation>
    </message>
    <message>
        <source> MB</source>
        <translation> ميجابايت</translation>
    </message>
    <message>
        <source>Face analyses are kept up to this size; the oldest are removed first</source>
        <translation>تُحفظ تحليلات الوجوه حتى هذا الحجم، ويُحذف الأقدم أولًا</translation>
    </message>
    <message>
        <source>Cache size limit</source>
        <translation>الحد الأقصى لذاكرة التخزين المؤقت</translation>
    </message>
    <message>
        <source>Clear cache</source>
        <translation>مسح الذاكرة المؤقتة</translation>
    </message>
    <message>
        <source>Remove the saved face analyses; they are made again when needed</source>
        <translation>حذف تحليلات الوجوه المحفوظة؛ ستُعاد عند الحاجة</translation>
    </message>
    <message>
        <source>Cache</source>
        <translation>الذاكرة المؤقتة</translation>
    </message>
    <message>
        <source>Saved in {0}</source>
        <translation>محفوظة في {0}</translation>
    </message>
    <message>
        <source>{0} in {1} file(s)</source>
        <translation>{0}، عدد الملفات: {1}</translation>
    </message>
    <message>
        <source>Cache cleared: {0} freed ({1} file(s))</source>
        <translation>تم مسح الذاكرة المؤقتة وتحرّر {0} (عدد الملفات: {1})</translation>
    </message>
</context>
<context>
    <name>Templates</name>
    <message>
        <source>Templates</source>
        <translation>القوالب</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>اللغة</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>تطبيق</translation>
    </message>
    <message>
        <source>Save look as template</source>
        <translation>حفظ الشكل كقالب</translation>
    </message>
    <message>
        <source>Lower-case letters, digits and hyphens</source>
        <translation>حروف لاتينية صغيرة وأرقام وشَرطات</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>الاسم</translation>
    </message>
    <message>
        <source>Arabic title</source>
        <translation>العنوان بالعربية</translation>
    </message>
    <message>
        <source>English title</source>
        <translation>العنوان بالإنجليزية</translation>
    </message>
</context>
<context>
    <name>Timeline</name>
    <message>
        <source>Closing card</source>
        <translation>البطاقة الختامية</translation>
    </message>
    <message>
        <source>Caption</source>
        <translation>النص</translation>
    </message>
    <message>
        <source>Face mask</source>
        <translation>الكمامة</translation>
    </message>
    <message>
        <source>Drag bars to move them, their ends to stretch them; Ctrl+wheel zooms</source>
        <translation>اسحب الأشرطة لتحريكها، وأطرافها لتمديدها؛ Ctrl مع عجلة الفأرة للتكبير</translation>
    </message>
    <message>
        <source>Reorder clips</source>
        <translation>إعادة ترتيب المقاطع</translation>
    </message>
    <message>
        <source>Trim clip</source>
        <translation>قص المقطع</translation>
    </message>
    <message>
        <source>Move cue</source>
        <translation>تحريك المقطع النصي</translation>
    </message>
    <message>
        <source>Move layer</source>
        <translation>تحريك الطبقة</translation>
    </message>
    <message>
        <source>Stretch layer</source>
        <translation>تمديد الطبقة</translation>
    </message>
</context>
<context>
    <name>Welcome</name>
    <message>
        <source>&lt;h2&gt;Make a vertical video&lt;/h2&gt;</source>
        <translation>&lt;h2&gt;اصنع فيديو رأسيًا&lt;/h2&gt;</translation>
    </message>
    <message>
        <source>Drop a phone clip here, or:</source>
        <translation>أفلت مقطعًا من هاتفك هنا، أو:</translation>
    </message>
    <message>
        <source>Open clip…</source>
        <translation>فتح مقطع…</translation>
    </message>
    <message>
        <source>Open project…</source>
        <translation>فتح مشروع…</translation>
    </message>
    <message>
        <source>Start from a template…</source>
        <translation>البدء من قالب…</translation>
    </message>
    <message>
        <source>Restore unsaved work</source>
        <translation>استعادة العمل غير المحفوظ</translation>
    </message>
</context>
</TS>
