; Inno Setup 6 script for creator_kit on Windows (see packaging/README.md, "Windows").
; Input: dist\creator-kit\ built on Windows by `python packaging\build.py` (PyInstaller), and
; build\icons\creator-kit.ico drawn by `python packaging\icons\draw_icons.py build\icons`.
; Build: "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" packaging\windows\creator-kit.iss
; Output: dist\creator-kit-0.1.0-setup.exe

#define AppVersion "0.1.0"
#define Root ".."

[Setup]
AppId={{6E0F3C8B-3F6A-4E0B-9B7C-2B1D2C4A9E51}
AppName=creator_kit
AppVersion={#AppVersion}
AppPublisher=creator_kit
DefaultDirName={autopf}\creator_kit
DefaultGroupName=creator_kit
; Per-user install by default (no administrator needed); the dialog offers all users.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#Root}\..\dist
OutputBaseFilename=creator-kit-{#AppVersion}-setup
SetupIconFile={#Root}\..\build\icons\creator-kit.ico
UninstallDisplayIcon={app}\creator-kit-gui.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesAssociations=yes
ChangesEnvironment=yes

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
Name: "ar"; MessagesFile: "compiler:Languages\Arabic.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"
Name: "addtopath"; Description: "Add creator-kit to PATH (for the command line)"; Flags: unchecked

[Files]
Source: "{#Root}\..\dist\creator-kit\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\creator_kit"; Filename: "{app}\creator-kit-gui.exe"
Name: "{autodesktop}\creator_kit"; Filename: "{app}\creator-kit-gui.exe"; Tasks: desktopicon

[Registry]
; .ckproj opens in the editor, .ckpack too (the editor offers to import the pack).
Root: HKA; Subkey: "Software\Classes\.ckproj"; ValueType: string; ValueName: ""; ValueData: "creatorkit.project"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\creatorkit.project"; ValueType: string; ValueName: ""; ValueData: "creator_kit project"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\creatorkit.project\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\creator-kit-gui.exe,0"
Root: HKA; Subkey: "Software\Classes\creatorkit.project\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\creator-kit-gui.exe"" ""%1"""
Root: HKA; Subkey: "Software\Classes\.ckpack"; ValueType: string; ValueName: ""; ValueData: "creatorkit.pack"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\creatorkit.pack"; ValueType: string; ValueName: ""; ValueData: "creator_kit template pack"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\creatorkit.pack\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\creator-kit-gui.exe,0"
Root: HKA; Subkey: "Software\Classes\creatorkit.pack\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\creator-kit-gui.exe"" ""%1"""
Root: HKCU; Subkey: "Environment"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; Tasks: addtopath; Check: NeedsAddPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\creator-kit-gui.exe"; Description: "{cm:LaunchProgram,creator_kit}"; Flags: nowait postinstall skipifsilent

[Code]
function NeedsAddPath(Dir: string): boolean;
var
  Path: string;
begin
  if not RegQueryStringValue(HKEY_CURRENT_USER, 'Environment', 'Path', Path) then
    Path := '';
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Path) + ';') = 0;
end;
