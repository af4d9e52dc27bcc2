@echo off
setlocal EnableExtensions
rem Page de code de la console gardée puis rendue à la fin : les accents de ce fichier
rem (UTF-8) s'affichent correctement.
for /f "tokens=2 delims=:." %%p in ('chcp') do set "PAGE_AVANT=%%p"
chcp 65001 >nul
rem make.bat : les cibles du Makefile pour Windows, sans « make » ni Git Bash.
rem Dans une invite de commandes ouverte dans ce dossier :
rem     make convocations
rem     make convocations --au 01/12/2026 --pdf      (options après la cible)
rem ou, comme sous Linux, la variable OPTIONS : set OPTIONS=--au 01/12/2026
rem Une valeur qui contient une virgule se met entre guillemets (l'invite de commandes
rem coupe les arguments aux virgules) : make publipostage --papier-remis "00042,00057"
rem Dans PowerShell, tapez .\make convocations.
rem Chaque cible crée l'environnement .venv au besoin (py -3 -m venv .venv).
cd /d "%~dp0"
set "VENV=.venv"
set "PY=%VENV%\Scripts\python.exe"
set "ENTRETIENS=%VENV%\Scripts\entretiens.exe"
rem Copie de pyproject.toml faite après l'installation : réinstaller s'il a changé.
set "INSTALLE=%VENV%\.installe"

set "CIBLE=%~1"
if "%CIBLE%"=="" set "CIBLE=aide"
set "ARGUMENTS=%OPTIONS%"
:arguments
shift
if "%~1"=="" goto :choisir
set ARGUMENTS=%ARGUMENTS% %1
goto :arguments

:choisir
for %%c in (install verifier echeances planifier convocations publipostage recolter archive tableau-de-bord modeles exemple test lint benchmarks nettoyer aide) do (
    if /i "%CIBLE%"=="%%c" goto :%%c
)
echo Cible inconnue : « %CIBLE% ».
call :liste
set "CODE=2"
goto :fin

:aide
call :liste
set "CODE=0"
goto :fin

:liste
echo Utilisation : make CIBLE [OPTIONS]   (par exemple : make convocations --au 01/12/2026)
echo Cibles : install, verifier, echeances, planifier, convocations, publipostage, recolter,
echo          archive, tableau-de-bord, modeles, exemple, test, lint, benchmarks, nettoyer
exit /b 0

rem ------------------------------------------------------------------ installation

:install
call :installer
set "CODE=%ERRORLEVEL%"
goto :fin

:installer
if exist "%INSTALLE%" (fc /b pyproject.toml "%INSTALLE%" >nul 2>&1 && exit /b 0)
if exist "%PY%" goto :installer_paquets
set "PYTHON_SYSTEME="
where py >nul 2>&1 && set "PYTHON_SYSTEME=py -3"
if not defined PYTHON_SYSTEME where python >nul 2>&1 && set "PYTHON_SYSTEME=python"
if not defined PYTHON_SYSTEME (
    echo Python est introuvable : installez Python 3.11 ou plus récent depuis
    echo https://www.python.org/downloads/ en cochant « Add python.exe to PATH », puis relancez.
    exit /b 1
)
echo Création de l'environnement %VENV% (une seule fois, une minute environ)...
%PYTHON_SYSTEME% -m venv "%VENV%" || exit /b 1
:installer_paquets
"%PY%" -m pip install --quiet --upgrade pip || exit /b 1
"%PY%" -m pip install --quiet -e ".[dev]" || exit /b 1
copy /y pyproject.toml "%INSTALLE%" >nul
exit /b 0

rem ------------------------------------------------------------------ commandes

:verifier
call :lancer verifier
goto :fin

:echeances
call :lancer echeances
goto :fin

:planifier
call :lancer planifier
goto :fin

:convocations
call :lancer convocations
goto :fin

:publipostage
call :lancer publipostage
goto :fin

:recolter
call :lancer recolter
goto :fin

:archive
call :lancer archiver
goto :fin

:tableau-de-bord
call :lancer tableau-de-bord
goto :fin

:modeles
call :lancer modeles
goto :fin

:lancer
call :installer || (set "CODE=1" & exit /b 1)
"%ENTRETIENS%" %1 %ARGUMENTS%
set "CODE=%ERRORLEVEL%"
exit /b %CODE%

rem ------------------------------------------------------------------ développement

:exemple
call :installer || (set "CODE=1" & goto :fin)
"%PY%" donnees\generer_exemple.py %ARGUMENTS%
set "CODE=%ERRORLEVEL%"
goto :fin

:test
call :installer || (set "CODE=1" & goto :fin)
"%PY%" -m pytest -q %ARGUMENTS%
set "CODE=%ERRORLEVEL%"
goto :fin

:lint
call :installer || (set "CODE=1" & goto :fin)
"%VENV%\Scripts\ruff.exe" check pipeline tests benchmarks donnees modeles_word || (set "CODE=1" & goto :fin)
"%VENV%\Scripts\ruff.exe" format --check pipeline tests benchmarks donnees modeles_word
set "CODE=%ERRORLEVEL%"
goto :fin

:benchmarks
call :installer || (set "CODE=1" & goto :fin)
"%PY%" benchmarks\bench_echeances.py || (set "CODE=1" & goto :fin)
"%PY%" benchmarks\bench_rendu.py || (set "CODE=1" & goto :fin)
"%PY%" benchmarks\bench_campagne.py
set "CODE=%ERRORLEVEL%"
goto :fin

:nettoyer
for %%d in (%VENV% .pytest_cache .ruff_cache) do if exist "%%d" rmdir /s /q "%%d"
set "CODE=0"
goto :fin

:fin
if defined PAGE_AVANT chcp %PAGE_AVANT: =% >nul
endlocal & exit /b %CODE%
